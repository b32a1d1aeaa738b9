import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  CreateStreamCommand,
  DescribeStreamSummaryCommand,
  type KinesisClient,
  PutRecordsCommand,
} from '@aws-sdk/client-kinesis';
import type { KinesisStreamEvent } from 'aws-lambda';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAwsClients } from '../clients';
import { type EmbeddedStack, startEmbeddedStack } from '../embedded';
import { JsonFileCheckpointStore, KinesisEventSourceMapping, type KinesisInvocationRecord } from './index';
import { payloadsOf } from './testing';

const encoder = new TextEncoder();

/** Creates a stream, waits for ACTIVE and returns its ARN. */
async function createStream(kinesis: KinesisClient, streamName: string, shardCount: number): Promise<string> {
  await kinesis.send(new CreateStreamCommand({ StreamName: streamName, ShardCount: shardCount }));
  const deadline = Date.now() + 10_000;
  for (;;) {
    const { StreamDescriptionSummary: summary } = await kinesis.send(
      new DescribeStreamSummaryCommand({ StreamName: streamName }),
    );
    if (summary?.StreamStatus === 'ACTIVE' && summary.StreamARN !== undefined) return summary.StreamARN;
    if (Date.now() > deadline) throw new Error(`stream ${streamName} did not become ACTIVE`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/** Record factory: `{ key, n }` JSON records, `count` of them spread over `keys` partition keys. */
async function putJsonRecords(
  kinesis: KinesisClient,
  streamName: string,
  count: number,
  options: { readonly keys?: number; readonly offset?: number } = {},
): Promise<string[]> {
  const keys = options.keys ?? 1;
  const offset = options.offset ?? 0;
  const payloads = Array.from({ length: count }, (_, index) =>
    JSON.stringify({ key: `k${(offset + index) % keys}`, n: offset + index }),
  );
  const output = await kinesis.send(
    new PutRecordsCommand({
      StreamName: streamName,
      Records: payloads.map((payload) => ({
        Data: encoder.encode(payload),
        PartitionKey: (JSON.parse(payload) as { key: string }).key,
      })),
    }),
  );
  expect(output.FailedRecordCount ?? 0).toBe(0);
  return (output.Records ?? []).map((record) => record.SequenceNumber ?? '');
}

describe('Class: KinesisEventSourceMapping (embedded stack)', () => {
  let stack: EmbeddedStack | undefined;
  let kinesis: KinesisClient;
  let directory = '';

  beforeAll(async () => {
    stack = await startEmbeddedStack({ port: 0, persist: false });
    ({ kinesis } = createAwsClients({ endpoint: stack.endpoint, region: stack.region }));
    directory = await mkdtemp(join(tmpdir(), 'esm-integration-'));
  }, 120_000);

  afterAll(async () => {
    kinesis?.destroy();
    await stack?.stop();
    if (directory !== '') await rm(directory, { recursive: true, force: true });
  }, 60_000);

  describe('Method: runUntilIdle', () => {
    it('delivers every record once, in order per shard, as Lambda-shaped events', async () => {
      // Prepare
      const streamName = 'esm-order';
      const streamArn = await createStream(kinesis, streamName, 2);
      await putJsonRecords(kinesis, streamName, 60, { keys: 8 });
      const events: KinesisStreamEvent[] = [];
      const esm = new KinesisEventSourceMapping({
        kinesis,
        streamName,
        streamArn,
        batchSize: 7,
        pollIntervalMs: 20,
        handler: async (event) => {
          events.push(event);
        },
      });

      // Act
      await esm.runUntilIdle({ idlePolls: 3, maxPolls: 500 });

      // Assess
      const records = events.flatMap((event) => event.Records);
      const delivered = events
        .flatMap(payloadsOf)
        .map((payload) => JSON.parse(payload) as { key: string; n: number });
      expect(delivered.map((record) => record.n).sort((a, b) => a - b)).toEqual(
        Array.from({ length: 60 }, (_, n) => n),
      );
      for (const key of new Set(delivered.map((record) => record.key))) {
        const order = delivered.filter((record) => record.key === key).map((record) => record.n);
        expect(order).toEqual([...order].sort((a, b) => a - b));
      }
      expect(events.every((event) => event.Records.length <= 7)).toBe(true);
      expect(new Set(records.map((record) => record.eventID.split(':')[0])).size).toBe(2);
      for (const record of records) {
        expect(record.kinesis.sequenceNumber).toMatch(/^\d{56}$/);
        expect(record.eventID).toMatch(new RegExp(`^shardId-\\d{12}:${record.kinesis.sequenceNumber}$`));
        expect(record).toMatchObject({
          eventSource: 'aws:kinesis',
          eventVersion: '1.0',
          eventName: 'aws:kinesis:record',
          eventSourceARN: streamArn,
          awsRegion: stack?.region,
          kinesis: { kinesisSchemaVersion: '1.0', approximateArrivalTimestamp: expect.any(Number) },
        });
      }
      expect(esm.stats).toMatchObject({ recordsSucceeded: 60, functionErrors: 0, shards: 2 });
    });

    it('bisects to the poison record, sends it to the destination and resumes after a restart', async () => {
      // Prepare
      const streamName = 'esm-poison';
      const streamArn = await createStream(kinesis, streamName, 1);
      const sequenceNumbers = await putJsonRecords(kinesis, streamName, 10);
      const path = join(directory, 'checkpoints.json');
      const failures: KinesisInvocationRecord[] = [];
      const firstDelivered: number[] = [];
      const firstRun = new KinesisEventSourceMapping({
        kinesis,
        streamName,
        streamArn,
        batchSize: 10,
        pollIntervalMs: 20,
        bisectBatchOnFunctionError: true,
        maximumRetryAttempts: 0,
        checkpointStore: new JsonFileCheckpointStore({ path }),
        onFailure: async (record) => {
          failures.push(record);
        },
        handler: async (event) => {
          const numbers = payloadsOf(event).map((payload) => (JSON.parse(payload) as { n: number }).n);
          if (numbers.includes(4)) throw new Error('poison record 4');
          firstDelivered.push(...numbers);
        },
      });
      await firstRun.runUntilIdle({ idlePolls: 3, maxPolls: 500 });
      await putJsonRecords(kinesis, streamName, 3, { offset: 10 });
      const secondDelivered: number[] = [];
      const secondRun = new KinesisEventSourceMapping({
        kinesis,
        streamName,
        streamArn,
        pollIntervalMs: 20,
        checkpointStore: new JsonFileCheckpointStore({ path }),
        handler: async (event) => {
          secondDelivered.push(
            ...payloadsOf(event).map((payload) => (JSON.parse(payload) as { n: number }).n),
          );
        },
      });

      // Act
      await secondRun.runUntilIdle({ idlePolls: 3, maxPolls: 500 });

      // Assess
      expect(firstDelivered).toEqual([0, 1, 2, 3, 5, 6, 7, 8, 9]);
      expect(failures).toHaveLength(1);
      expect(failures[0]).toMatchObject({
        requestContext: { condition: 'RetryAttemptsExhausted', approximateInvokeCount: 1 },
        responseContext: { statusCode: 200, executedVersion: '$LATEST', functionError: 'Unhandled' },
        version: '1.0',
        KinesisBatchInfo: {
          shardId: 'shardId-000000000000',
          startSequenceNumber: sequenceNumbers[4],
          endSequenceNumber: sequenceNumbers[4],
          batchSize: 1,
          streamArn,
        },
      });
      expect(firstRun.stats.bisections).toBeGreaterThanOrEqual(3);
      expect(secondDelivered).toEqual([10, 11, 12]);
    });
  });
});
