import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { statefulWordCount } from '../../functions/pipelines/stateful-word-count';
import { MemoryMetricsSink } from '../../lib/metrics';
import { type EmbeddedStack, startEmbeddedStack } from '../../localstack/embedded';
import { runWordCountJob } from '../../localstack/main/word-count-job';
import { deployLocalPipeline } from '../../localstack/runner/local-pipeline';

const VOCABULARY = ['alpha', 'beta', 'gamma', 'delta', 'epsilon', 'zeta', 'eta', 'theta'];

/** Deterministic generated input: `count` lines of 1..6 words. */
function generateLines(count: number): string[] {
  let seed = 7;
  const next = () => {
    seed = (seed * 1103515245 + 12345) % 2147483648;
    return seed;
  };
  return Array.from({ length: count }, () =>
    Array.from({ length: 1 + (next() % 6) }, () => VOCABULARY[next() % VOCABULARY.length]).join(' '),
  );
}

/** The reference: a plain loop, no engine code. */
function referenceCounts(lines: readonly string[]): Map<string, number> {
  const counts = new Map<string, number>();
  for (const line of lines) for (const word of line.split(' ')) counts.set(word, (counts.get(word) ?? 0) + 1);
  return counts;
}

describe('End to end: stateful word count on the embedded local stack', () => {
  let stack: EmbeddedStack;

  beforeAll(async () => {
    stack = await startEmbeddedStack({ port: 0, persist: false });
  });

  afterAll(async () => {
    await stack?.stop();
  });

  it('counts every record exactly once across shards, with a malformed record dead-lettered', async () => {
    // Prepare
    const printed: string[] = [];
    const metrics = new MemoryMetricsSink();
    const local = await deployLocalPipeline({
      endpoint: stack.endpoint,
      region: stack.region,
      pipeline: statefulWordCount,
      streamName: 'e2e-words',
      shards: 3,
      namespace: 'e2e-words',
      print: (block) => printed.push(block),
      metrics,
      mapping: { batchSize: 37 },
    });
    const lines = generateLines(400);
    const encoder = new TextEncoder();
    const records = lines.map((line, i) => ({ partitionKey: `p${i}`, data: encoder.encode(line) }));
    records.splice(123, 0, { partitionKey: 'bad', data: new Uint8Array([0xff, 0xfe, 0xfd]) });

    // Act
    await local.produce(records);
    await local.mapping.runUntilIdle({ idlePolls: 3 });

    // Assess
    expect(Object.fromEntries(await local.readState('global-word-counts'))).toEqual(
      Object.fromEntries(referenceCounts(lines)),
    );
    const deadLetters = await local.readDeadLetters();
    expect(deadLetters).toHaveLength(1);
    expect(deadLetters[0]).toMatchObject({
      kind: 'record',
      errorCode: 'DECODE_FAILED',
      key: 'bad',
      data: '//79',
    });
    expect(deadLetters[0]?.reason).toMatch(/not valid UTF-8/);
    expect(metrics.batches.reduce((sum, batch) => sum + batch.records, 0)).toBe(records.length);
    expect(printed[0]).toMatch(/^-{43}\nTime: \d+ ms\n-{43}\n\(\w+,\d+\)\n/);
    expect(await local.readOnFailureRecords()).toEqual([]);
  });

  it('runs the main job and verifies its counts (npm start)', async () => {
    // Prepare
    const log: string[] = [];

    // Act
    const exitCode = await runWordCountJob(
      {
        follow: false,
        port: 0,
        dataDir: undefined,
        shards: 2,
        input: undefined,
        malformedRecord: true,
        readStdin: false,
      },
      (line) => log.push(line),
    );

    // Assess
    expect(exitCode).toBe(0);
    expect(log).toContain('verified: stored counts equal an independent count of the input');
    expect(log.some((line) => line.startsWith('dead letter:') && line.includes('DECODE_FAILED'))).toBe(true);
  });

  it('keeps counting after the handler container is replaced (cold start reloads the checkpoint)', async () => {
    // Prepare
    const first = await deployLocalPipeline({
      endpoint: stack.endpoint,
      pipeline: statefulWordCount,
      streamName: 'e2e-restart',
      namespace: 'e2e-restart',
      print: () => undefined,
    });
    const encoder = new TextEncoder();
    await first.produce([{ partitionKey: 'a', data: encoder.encode('one two two') }]);
    await first.mapping.runUntilIdle({ idlePolls: 2 });

    // Act: a new container (new handler, new mapping) resumes from the stream's start
    const second = await deployLocalPipeline({
      endpoint: stack.endpoint,
      pipeline: statefulWordCount,
      streamName: 'e2e-restart',
      namespace: 'e2e-restart',
      print: () => undefined,
    });
    await second.produce([{ partitionKey: 'a', data: encoder.encode('two three') }]);
    await second.mapping.runUntilIdle({ idlePolls: 2 });

    // Assess: the replayed first record was skipped by the committed offset
    expect(Object.fromEntries(await second.readState('global-word-counts'))).toEqual({
      one: 1,
      two: 3,
      three: 1,
    });
  });
});
