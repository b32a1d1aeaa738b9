import { describe, expect, it } from 'vitest';
import type { DeadLetterEntry } from '../../lib/sinks';
import type { StoredRecord } from '../setup/stream';
import { isBlankLine, readByteLines, splitByteLines } from './byte-lines';
import { checkWordCounts } from './word-count-check';

const encoder = new TextEncoder();
const INVALID = new Uint8Array([0x62, 0x61, 0x64, 0x20, 0xc3, 0x28, 0x0a]).subarray(0, 6); // "bad \xC3("

function record(
  sequenceNumber: string,
  data: Uint8Array | string,
  partitionKey = `k${sequenceNumber}`,
): StoredRecord {
  return {
    shardId: 'shardId-000000000000',
    sequenceNumber,
    partitionKey,
    data: typeof data === 'string' ? encoder.encode(data) : data,
  };
}

function deadLetterFor(stored: StoredRecord, offset = stored.sequenceNumber): DeadLetterEntry {
  return {
    id: `dl-${stored.sequenceNumber}`,
    pipeline: 'stateful-word-count',
    namespace: 'stateful-word-count',
    kind: 'record',
    batchId: 'b',
    partition: stored.shardId,
    stage: 'map#1',
    errorCode: 'DECODE_FAILED',
    reason: 'record value is not valid UTF-8',
    offset,
    key: stored.partitionKey,
  };
}

describe('Function: checkWordCounts', () => {
  it('counts only valid UTF-8 records and expects a dead letter for every invalid one', () => {
    // Prepare
    const bad = record('3', INVALID);
    const records = [record('1', 'to be or'), record('2', 'not to be'), bad];
    const stored = new Map<unknown, unknown>([
      ['to', 2],
      ['be', 2],
      ['or', 1],
      ['not', 1],
    ]);

    // Act
    const check = checkWordCounts(records, stored, [deadLetterFor(bad, '0003')]);

    // Assess
    expect(check.mismatches).toEqual([]);
    expect(check.missingDeadLetters).toEqual([]);
    expect(check.validRecords).toBe(2);
    expect(check.invalidRecords).toEqual([bad]);
    expect(check.expected.has('bad')).toBe(false);
  });

  it('reports a word counted from an invalid record (U+FFFD) and an invalid record without a dead letter', () => {
    // Prepare
    const bad = record('3', INVALID);
    const stored = new Map<unknown, unknown>([
      ['ok', 1],
      ['bad', 1],
      ['\uFFFD(', 1],
    ]);

    // Act
    const check = checkWordCounts([record('1', 'ok'), bad], stored, []);

    // Assess
    expect([...check.mismatches].sort()).toEqual(['bad', '\uFFFD(']);
    expect(check.missingDeadLetters).toEqual([bad]);
  });
});

describe('Function: splitByteLines', () => {
  it('splits on newline bytes without decoding, keeping invalid UTF-8 bytes as they are', () => {
    // Prepare
    const bytes = new Uint8Array([...encoder.encode('one\n'), ...INVALID, 0x0a, ...encoder.encode('last')]);

    // Act
    const lines = splitByteLines(bytes);

    // Assess
    expect(lines.map((line) => [...line])).toEqual([
      [...encoder.encode('one')],
      [...INVALID],
      [...encoder.encode('last')],
    ]);
    expect(isBlankLine(encoder.encode(' \t\r'))).toBe(true);
    expect(isBlankLine(INVALID)).toBe(false);
  });

  it('reads lines split across chunks of a stream', async () => {
    // Prepare
    async function* chunks(): AsyncGenerator<Uint8Array> {
      yield encoder.encode('to be o');
      yield encoder.encode('r not\nto ');
      yield encoder.encode('be\n');
    }

    // Act
    const lines: string[] = [];
    for await (const line of readByteLines(chunks())) lines.push(new TextDecoder().decode(line));

    // Assess
    expect(lines).toEqual(['to be or not', 'to be']);
  });
});
