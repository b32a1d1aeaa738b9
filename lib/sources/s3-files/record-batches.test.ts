import { describe, expect, it } from 'vitest';
import type { SourceRecord } from '../../core';
import { toRecordBatches } from './record-batches';

const encoder = new TextEncoder();
const identity = { partition: 's3:input/a.txt#abc', key: 'input/a.txt', arrivalTime: 1_700_000_000_000 };

async function collect(iterable: AsyncIterable<SourceRecord[]>): Promise<SourceRecord[][]> {
  const batches: SourceRecord[][] = [];
  for await (const batch of iterable) batches.push(batch);
  return batches;
}

const text = (record: SourceRecord | undefined): string => new TextDecoder().decode(record?.value);

describe('Function: toRecordBatches', () => {
  it('makes one record per line with the 1-based line number as offset, the key and LastModified', async () => {
    // Prepare
    const chunks = [encoder.encode('to be\n\nor not\r\n')];

    // Act
    const batches = await collect(toRecordBatches(chunks, identity));

    // Assess
    expect(batches).toHaveLength(1);
    const records = batches[0] ?? [];
    expect(records.map((record) => [record.offset, text(record)])).toEqual([
      ['1', 'to be'],
      ['2', ''],
      ['3', 'or not'],
    ]);
    expect(records[0]).toMatchObject({
      partition: 's3:input/a.txt#abc',
      key: 'input/a.txt',
      arrivalTime: 1_700_000_000_000,
    });
  });

  it('cuts batches of linesPerBatch lines, numbering lines across batches and chunks', async () => {
    // Prepare
    const lines = Array.from({ length: 12 }, (_, i) => `line ${i + 1}`);
    const body = encoder.encode(`${lines.join('\n')}\n`);
    const chunks = [body.subarray(0, 17), body.subarray(17, 40), body.subarray(40)];

    // Act
    const batches = await collect(toRecordBatches(chunks, identity, { linesPerBatch: 5 }));

    // Assess
    expect(batches.map((batch) => batch.length)).toEqual([5, 5, 2]);
    expect(batches.flat().map((record) => record.offset)).toEqual(lines.map((_, i) => String(i + 1)));
    expect(batches.flat().map(text)).toEqual(lines);
  });

  it('ends a batch early at bytesPerBatch', async () => {
    // Prepare: 10-byte lines, batches of at most 25 bytes
    const body = encoder.encode('aaaaaaaaaa\nbbbbbbbbbb\ncccccccccc\ndddddddddd');

    // Act
    const batches = await collect(toRecordBatches([body], identity, { bytesPerBatch: 25 }));

    // Assess
    expect(batches.map((batch) => batch.map(text))).toEqual([
      ['aaaaaaaaaa', 'bbbbbbbbbb', 'cccccccccc'],
      ['dddddddddd'],
    ]);
  });

  it('yields nothing for an empty object', async () => {
    // Act
    const batches = await collect(toRecordBatches([new Uint8Array(0)], identity));

    // Assess
    expect(batches).toEqual([]);
  });

  it('pulls the body only as batches are consumed', async () => {
    // Prepare: an endless body
    let pulled = 0;
    async function* endless(): AsyncGenerator<Uint8Array> {
      for (;;) {
        pulled++;
        yield encoder.encode('x\n'.repeat(10));
      }
    }

    // Act
    const iterator = toRecordBatches(endless(), identity, { linesPerBatch: 25 });
    await iterator.next();
    await iterator.return(undefined);

    // Assess
    expect(pulled).toBe(3);
  });

  it('refuses a batch limit below 1', async () => {
    // Act / Assess
    await expect(collect(toRecordBatches([], identity, { linesPerBatch: 0 }))).rejects.toThrow(
      /linesPerBatch and bytesPerBatch must be whole numbers of at least 1 \(given 0\)/,
    );
  });
});
