import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { KinesisStreamEvent } from 'aws-lambda';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { statefulWordCount } from '../../functions/pipelines/stateful-word-count';
import { createAwsClients } from '../../localstack/clients';
import { type EmbeddedStack, startEmbeddedStack } from '../../localstack/embedded';
import { ensureBucket, ensureStateTable } from '../../localstack/setup/state-table';
import event from '../../test/fixtures/kinesis-event.json';
import { MemoryMetricsSink } from '../metrics';
import { progressSources, recentProgress } from '../progress';
import { kinesisPartitionId } from '../sources';
import { DynamoDbKeyedStateStore } from '../state';
import { S3ObjectStore } from '../storage';
import { createKinesisHandler } from './kinesis-handler';

/** The fixture's shard, named as the handler names partitions (stream and shard). */
const PARTITION = kinesisPartitionId(event.Records[0]?.eventSourceARN ?? '', 'shardId-000000000006');

const environment = (namespace: string) => ({
  SPARKLESS_STATE_TABLE: 'handler-test',
  SPARKLESS_CHECKPOINT_BUCKET: 'handler-test',
  SPARKLESS_STATE_NAMESPACE: namespace,
});

describe('Function: createKinesisHandler (invoked directly, emulators over HTTP)', () => {
  let stack: EmbeddedStack;

  beforeAll(async () => {
    stack = await startEmbeddedStack({ port: 0, persist: false });
    const clients = createAwsClients({ endpoint: stack.endpoint, region: stack.region });
    await ensureStateTable(clients.dynamodb, 'handler-test');
    await ensureBucket(clients.s3, 'handler-test');
  });

  afterAll(async () => {
    await stack?.stop();
  });

  it('processes the fixture event, dead-letters the invalid record and reports no failure', async () => {
    // Prepare
    const clients = createAwsClients({ endpoint: stack.endpoint, region: stack.region });
    const printed: string[] = [];
    const handler = createKinesisHandler(statefulWordCount, {
      clients,
      environment: environment('fixture'),
      print: (block) => printed.push(block),
      metrics: new MemoryMetricsSink(),
    });

    // Act
    const first = await handler(event as KinesisStreamEvent);
    const redelivered = await handler(event as KinesisStreamEvent);

    // Assess
    expect(first).toEqual({ batchItemFailures: [] });
    expect(redelivered).toEqual({ batchItemFailures: [] });
    const state = new DynamoDbKeyedStateStore({
      client: clients.dynamodb,
      tableName: 'handler-test',
      namespace: 'fixture',
      largeStates: new S3ObjectStore({ client: clients.s3, bucket: 'handler-test' }),
    });
    expect(Object.fromEntries(await state.scan('global-word-counts'))).toEqual({
      '"to"': 3,
      '"be"': 2,
      '"or"': 1,
      '"not"': 1,
      '"see"': 1,
    });
    expect(printed).toHaveLength(1);
  });

  it('keeps one progress record per batch in the state table, naming the stream and shard, with the code version as runId', async () => {
    // Prepare
    const clients = createAwsClients({ endpoint: stack.endpoint, region: stack.region });
    const handler = createKinesisHandler(statefulWordCount, {
      clients,
      environment: { ...environment('progress'), SPARKLESS_CODE_VERSION: '7' },
      print: () => undefined,
      metrics: new MemoryMetricsSink(),
    });

    // Act: a redelivery commits no new batch
    await handler(event as KinesisStreamEvent);
    await handler(event as KinesisStreamEvent);

    // Assess
    const progress = progressSources('stateful-word-count', {
      dynamodb: clients.dynamodb,
      stateTable: 'handler-test',
      namespace: 'progress',
    });
    const records = await recentProgress(progress, 10);
    expect(records).toEqual([
      expect.objectContaining({
        id: 'stateful-word-count@progress',
        runId: '7',
        partition: PARTITION,
        batchId: 0,
        numInputRows: event.Records.length,
        deadLetters: 1,
        sources: [
          expect.objectContaining({
            description: 'kinesis[stream=lambda-stream, shard=shardId-000000000006]',
            numInputRows: event.Records.length,
          }),
        ],
      }),
    ]);
  });

  it('reports the first record as the batch item failure and a failed-batch metric when DynamoDB is unreachable', async () => {
    // Prepare: S3 works (checkpoint loads), DynamoDB points at a closed port
    const clients = createAwsClients({ endpoint: stack.endpoint, region: stack.region });
    const unreachable = new DynamoDBClient({
      endpoint: 'http://127.0.0.1:9',
      region: 'us-east-1',
      maxAttempts: 1,
      credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
    });
    const metrics = new MemoryMetricsSink();
    const handler = createKinesisHandler(statefulWordCount, {
      clients: { s3: clients.s3, dynamodb: unreachable },
      environment: environment('unreachable'),
      print: () => undefined,
      metrics,
    });

    // Act
    const response = await handler(event as KinesisStreamEvent);

    // Assess: a partial failure leaves Lambda's Errors metric flat, so the handler emits its own
    expect(response).toEqual({
      batchItemFailures: [{ itemIdentifier: '49590338271490256608559692538361571095921575989136588898' }],
    });
    expect(metrics.failures).toEqual([
      expect.objectContaining({ pipeline: 'stateful-word-count', partition: PARTITION }),
    ]);
    expect(metrics.failures[0]?.records).toBeGreaterThan(0);
  });

  it('records a failed-batch metric per partition when the cold start fails', async () => {
    // Prepare
    const metrics = new MemoryMetricsSink();
    const handler = createKinesisHandler(statefulWordCount, { environment: {}, metrics });

    // Act
    await expect(handler(event as KinesisStreamEvent)).rejects.toThrow(/SPARKLESS_STATE_TABLE is not set/);

    // Assess
    expect(metrics.failures.map((failure) => [failure.partition, failure.errorCode])).toEqual([
      [PARTITION, 'INVALID_CONFIGURATION'],
    ]);
  });

  it('fails the cold start with a message naming the fix when configuration is missing', async () => {
    const handler = createKinesisHandler(statefulWordCount, { environment: {} });

    await expect(handler(event as KinesisStreamEvent)).rejects.toThrow(/SPARKLESS_STATE_TABLE is not set/);
  });
});
