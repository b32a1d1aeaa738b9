import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FailurePolicy } from '../../cdk/streaming-pipeline/failure-policy';
import { persistWordCount } from '../../functions/pipelines/persist-word-count';
import { ErrorCode } from '../../lib/core';
import { MemoryMetricsSink } from '../../lib/metrics';
import { type EmbeddedStack, startEmbeddedStack } from '../../localstack/embedded';
import { prepareResultTable, scanRows } from '../../localstack/programs/table-program';
import { deployLocalPipeline } from '../../localstack/runner/local-pipeline';

/** A word of 3,000 characters: above DynamoDB's 2,048-byte partition key limit (issue 7's repro). */
const LONG_WORD = 'x'.repeat(3_000);
const TABLE = 'e2e-long-word-counts';

describe('End to end: a result-table row DynamoDB can never hold on the embedded local stack', () => {
  let stack: EmbeddedStack;

  beforeAll(async () => {
    stack = await startEmbeddedStack({ port: 0, persist: false });
  });

  afterAll(async () => {
    await stack?.stop();
  });

  it('persist-word-count dead-letters the 3,000-character word with a reason, writes every other word, and moves on', async () => {
    // Prepare: discard after one retry, so a batch that kept failing would show up as an on-failure record
    // within seconds instead of blocking the shard (the default policy) for the test's lifetime
    const metrics = new MemoryMetricsSink();
    const local = await deployLocalPipeline({
      endpoint: stack.endpoint,
      region: stack.region,
      pipeline: persistWordCount,
      streamName: 'e2e-long-word',
      namespace: 'e2e-long-word',
      shards: 1,
      print: () => undefined,
      metrics,
      failurePolicy: FailurePolicy.DiscardAndRecover,
      retryAttempts: 1,
      mapping: { retryBackoffInitialMs: 20, retryBackoffMaxMs: 100 },
    });
    await prepareResultTable(
      { endpoint: stack.endpoint, region: stack.region, log: () => undefined, print: () => undefined },
      local.clients.dynamodb,
      TABLE,
      ['word'],
    );
    const encoder = new TextEncoder();
    const produce = (lines: readonly string[]) =>
      local.produce(lines.map((line, i) => ({ partitionKey: `p${i}`, data: encoder.encode(line) })));

    // Act: the long word, then later lines on the same shard
    await produce(['to be', `or ${LONG_WORD} not`]);
    await local.mapping.runUntilIdle({ idlePolls: 2 });
    await produce(['to be later']);
    await local.mapping.runUntilIdle({ idlePolls: 2 });

    // Assess
    const rows = Object.fromEntries(
      (await scanRows(local.clients.dynamodb, TABLE)).map((row) => [String(row.word), row.count]),
    );
    expect(rows).toEqual({ to: 2, be: 2, or: 1, not: 1, later: 1 });
    expect((await local.readState('global-word-counts')).get(LONG_WORD)).toBe(1);
    const deadLetters = await local.readDeadLetters();
    expect(deadLetters).toHaveLength(1);
    expect(deadLetters[0]).toMatchObject({
      kind: 'element',
      stage: 'foreachBatch#0',
      errorCode: ErrorCode.RowTooLarge,
      value: { table: TABLE, key: { word: LONG_WORD }, item: { word: LONG_WORD, count: 1 } },
    });
    expect(deadLetters[0]?.reason).toMatch(/partition key of 3000 bytes, above DynamoDB's 2048 bytes/);
    expect(metrics.batches.reduce((sum, batch) => sum + batch.deadLetters, 0)).toBe(1);
    expect(metrics.failures).toEqual([]);
    expect(await local.readOnFailureRecords()).toEqual([]);
  });
});
