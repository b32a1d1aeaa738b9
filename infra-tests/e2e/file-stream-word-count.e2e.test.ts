import { PutObjectCommand } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fileStreamWordCount } from '../../functions/pipelines/file-stream-word-count';
import { splitWords } from '../../functions/pipelines/stateful-word-count';
import { decodeUtf8, pipeline } from '../../lib/core';
import { MemoryMetricsSink } from '../../lib/metrics';
import { type EmbeddedStack, startEmbeddedStack } from '../../localstack/embedded';
import {
  deployLocalTextFilePipeline,
  type LocalTextFilePipeline,
  type UploadedFile,
} from '../../localstack/runner/local-text-file-pipeline';
import { S3PrefixPoller } from '../../localstack/runner/s3-prefix-poller';

const INPUT_BUCKET = 'e2e-input';
const LINES_PER_BATCH = 50;
const VOCABULARY = ['to', 'be', 'or', 'not', 'that', 'is', 'the', 'question', 'whether', "'tis", 'nobler'];
const INVALID_UTF8 = Buffer.from([0x6f, 0x6b, 0x20, 0xff, 0xfe, 0x20, 0x6f, 0x6b]);

/** Deterministic generated text: `count` lines of 0..7 words, separated by one or two spaces. */
function generateLines(count: number, seed: number): string[] {
  let state = seed;
  const next = () => {
    state = (state * 1103515245 + 12345) % 2147483648;
    return state;
  };
  return Array.from({ length: count }, () =>
    Array.from({ length: next() % 8 }, () => VOCABULARY[next() % VOCABULARY.length]).join(
      next() % 5 === 0 ? '  ' : ' ',
    ),
  );
}

/** One uploaded file version and its bytes. */
interface Version {
  readonly uploaded: UploadedFile;
  readonly body: Buffer;
}

/**
 * The reference, with plain loops and no engine code: the lines of a file (split on \n, a final \n
 * ends the last line, a trailing \r is dropped), cut into batches of `linesPerBatch`, each batch's
 * word counts over its valid UTF-8 lines.
 */
function referenceBatches(body: Buffer, linesPerBatch: number): Array<Map<string, number>> {
  const lines: Buffer[] = [];
  let start = 0;
  for (let i = 0; i < body.length; i++) {
    if (body[i] === 0x0a) {
      lines.push(body.subarray(start, i));
      start = i + 1;
    }
  }
  if (start < body.length) lines.push(body.subarray(start));
  const batches: Array<Map<string, number>> = [];
  for (let first = 0; first < lines.length; first += linesPerBatch) {
    const counts = new Map<string, number>();
    for (let line of lines.slice(first, first + linesPerBatch)) {
      if (line[line.length - 1] === 0x0d) line = line.subarray(0, -1);
      let text: string;
      try {
        text = new TextDecoder('utf-8', { fatal: true }).decode(line);
      } catch {
        continue;
      }
      for (const word of text.split(/\s+/)) if (word !== '') counts.set(word, (counts.get(word) ?? 0) + 1);
    }
    batches.push(counts);
  }
  return batches;
}

/** The reference for every distinct version (by partition), in batch order. */
function referenceByPartition(
  versions: readonly Version[],
  linesPerBatch: number,
): Map<string, Array<Map<string, number>>> {
  const expected = new Map<string, Array<Map<string, number>>>();
  for (const version of versions)
    expected.set(version.uploaded.partition, referenceBatches(version.body, linesPerBatch));
  return expected;
}

interface CapturedBatch {
  readonly batchId: string;
  readonly partition: string;
  readonly batchNumber: number;
  readonly counts: Map<string, number>;
}

/** Parses a Spark print block: its `(word,count)` lines and whether it was cut (`...`). */
function parsePrintBlock(block: string): { pairs: Map<string, number>; truncated: boolean } {
  const lines = block.trimEnd().split('\n').slice(3);
  const truncated = lines[lines.length - 1] === '...';
  const pairs = new Map<string, number>();
  for (const line of truncated ? lines.slice(0, -1) : lines) {
    const match = /^\((.*),(\d+)\)$/.exec(line);
    if (match?.[1] !== undefined && match[2] !== undefined) pairs.set(match[1], Number(match[2]));
  }
  return { pairs, truncated };
}

describe('End to end: file-stream word count on the embedded local stack', () => {
  let stack: EmbeddedStack;

  beforeAll(async () => {
    stack = await startEmbeddedStack({ port: 0, persist: false });
  });

  afterAll(async () => {
    await stack?.stop();
  });

  it('counts every new file version exactly once per batch, with the bad line dead-lettered', async () => {
    // Prepare: the seed program (print) and a variant capturing every batch (foreachBatch), same input
    const printed: string[] = [];
    const captured: CapturedBatch[] = [];
    const spec = pipeline('file-stream-word-count-spec')
      .fromTextFiles({ prefix: 'input/' })
      .map((record) => decodeUtf8(record.value))
      .flatMap(splitWords)
      .mapToPair((word) => [word, 1])
      .reduceByKey((a, b) => a + b)
      .foreachBatch((pairs, context) => {
        captured.push({
          batchId: context.batchId,
          partition: context.partition,
          batchNumber: context.batchNumber,
          counts: new Map(pairs),
        });
      });
    const common = { endpoint: stack.endpoint, region: stack.region, inputBucket: INPUT_BUCKET } as const;
    const metrics = new MemoryMetricsSink();
    const seed: LocalTextFilePipeline = await deployLocalTextFilePipeline({
      ...common,
      pipeline: fileStreamWordCount,
      namespace: 'e2e-files-seed',
      print: (block) => printed.push(block),
      metrics: new MemoryMetricsSink(),
    });
    const variant = await deployLocalTextFilePipeline({
      ...common,
      pipeline: spec,
      namespace: 'e2e-files-spec',
      print: () => undefined,
      metrics,
      linesPerBatch: LINES_PER_BATCH,
    });
    const versions: Version[] = [];
    const upload = async (name: string, body: Buffer): Promise<UploadedFile> => {
      const uploaded = await seed.upload(name, body);
      versions.push({ uploaded, body });
      return uploaded;
    };
    const text = (lines: readonly string[], ending = '\n') =>
      Buffer.from(lines.map((line) => `${line}${ending}`).join(''));
    const pollBoth = () => Promise.all([seed.poller.pollOnce(), variant.poller.pollOnce()]);
    const badLines = generateLines(30, 3);

    // Act: a first set of files, including a line that is not valid UTF-8 and a name with a space
    await upload('hamlet.txt', text(generateLines(120, 1)));
    await upload('crlf.txt', text(['to be', '', 'or not  to be', ''], '\r\n'));
    await upload('no final newline.txt', Buffer.from('the question\nwhether tis nobler'));
    const bad = await upload(
      'bad line.txt',
      Buffer.concat([text(badLines.slice(0, 7)), INVALID_UTF8, Buffer.from('\n'), text(badLines.slice(7))]),
    );
    await upload('2026/11/nested.txt', text(generateLines(60, 2)));
    await upload('twice.txt', text(['to be or not to be', 'that is the question']));
    await upload('versioned.txt', text(['version one']));
    await seed.clients.s3.send(
      new PutObjectCommand({ Bucket: INPUT_BUCKET, Key: 'input/.hidden.txt', Body: 'hidden' }),
    );
    await seed.clients.s3.send(
      new PutObjectCommand({ Bucket: INPUT_BUCKET, Key: 'elsewhere/x.txt', Body: 'outside' }),
    );
    const [firstSeed] = await pollBoth();
    // the same content uploaded again (same ETag: the same file), a new version of a file (a new file)
    await upload('twice.txt', text(['to be or not to be', 'that is the question']));
    await upload('versioned.txt', text(['version two', 'to be']));
    await pollBoth();
    // a restarted poller forgets what it saw and re-announces every version: the ledger makes them no-ops
    const restarted = await new S3PrefixPoller({
      s3: variant.clients.s3,
      bucket: INPUT_BUCKET,
      prefix: 'input/',
      handler: variant.handler,
    }).pollOnce();

    // Assess: the per-batch counts equal the plain-loop reference, every version exactly once
    const expected = referenceByPartition(versions, LINES_PER_BATCH);
    expect(new Set(versions.map((version) => version.uploaded.partition)).size).toBe(8);
    const actual = new Map<string, Array<Map<string, number>>>();
    for (const batch of [...captured].sort((a, b) => a.batchNumber - b.batchNumber)) {
      actual.set(batch.partition, [...(actual.get(batch.partition) ?? []), batch.counts]);
    }
    expect(actual).toEqual(expected);
    expect(new Set(captured.map((batch) => batch.batchId)).size).toBe(captured.length);
    expect(actual.get(versions[0]?.uploaded.partition ?? '')).toHaveLength(3); // 120 lines, 50 per batch
    const distinctBodies = new Map(versions.map((version) => [version.uploaded.partition, version.body]));
    const totalLines = [...distinctBodies.values()].reduce(
      (sum, body) =>
        sum + body.toString('latin1').split('\n').length - (body[body.length - 1] === 0x0a ? 1 : 0),
      0,
    );
    expect(metrics.batches.reduce((sum, batch) => sum + batch.records, 0)).toBe(totalLines);
    expect(firstSeed.outcomes.find((outcome) => outcome.key === 'input/.hidden.txt')).toMatchObject({
      status: 'ignored',
      reason: 'hidden-file',
    });
    expect(firstSeed.outcomes.some((outcome) => outcome.key.startsWith('elsewhere/'))).toBe(false);
    expect(restarted).toMatchObject({ newObjects: 8, failed: 0 });
    expect(restarted.outcomes.filter((outcome) => outcome.status === 'processed')).toHaveLength(7);
    expect(restarted.outcomes.every((outcome) => outcome.batchesCommitted === 0)).toBe(true);

    // the bad line is dead-lettered with its bytes, line number and key, by both pipelines
    for (const local of [seed, variant]) {
      const deadLetters = await local.readDeadLetters();
      expect(deadLetters).toEqual([
        expect.objectContaining({
          kind: 'record',
          errorCode: 'DECODE_FAILED',
          partition: bad.partition,
          offset: '8',
          key: 'input/bad line.txt',
          data: INVALID_UTF8.toString('base64'),
        }),
      ]);
      expect(await local.readOnFailureRecords()).toEqual([]);
    }

    // the seed program printed one Spark block per file version (one batch each), consistent with the reference
    const wholeFiles = referenceByPartition(versions, Number.MAX_SAFE_INTEGER);
    expect(printed).toHaveLength(wholeFiles.size);
    const unmatched = new Map(
      [...wholeFiles].map(([partition, [counts]]) => [partition, counts ?? new Map()]),
    );
    for (const block of printed) {
      expect(block).toMatch(/^-{43}\nTime: \d+ ms\n-{43}\n/);
      const { pairs, truncated } = parsePrintBlock(block);
      const match = [...unmatched].find(
        ([, counts]) =>
          pairs.size === Math.min(10, counts.size) &&
          truncated === counts.size > 10 &&
          [...pairs].every(([word, count]) => counts.get(word) === count),
      );
      expect(match, block).toBeDefined();
      unmatched.delete(match?.[0] ?? '');
    }
  });
});
