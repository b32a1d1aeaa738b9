import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { KinesisStreamEvent } from 'aws-lambda';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { statefulWordCount } from '../../functions/pipelines/stateful-word-count';
import { createAwsClients } from '../../localstack/clients';
import { type EmbeddedStack, startEmbeddedStack } from '../../localstack/embedded';
import { ensureBucket, ensureStateTable } from '../../localstack/setup/state-table';
import event from '../../test/fixtures/kinesis-event.json';
import { DynamoDbKeyedStateStore } from '../state';
import { S3ObjectStore } from '../storage';
import { createKinesisHandler } from './kinesis-handler';

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
      metrics: { record: () => undefined },
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

  it('reports the first record as the batch item failure when DynamoDB is unreachable', async () => {
    // Prepare: S3 works (checkpoint loads), DynamoDB points at a closed port
    const clients = createAwsClients({ endpoint: stack.endpoint, region: stack.region });
    const unreachable = new DynamoDBClient({
      endpoint: 'http://127.0.0.1:9',
      region: 'us-east-1',
      maxAttempts: 1,
      credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
    });
    const handler = createKinesisHandler(statefulWordCount, {
      clients: { s3: clients.s3, dynamodb: unreachable },
      environment: environment('unreachable'),
      print: () => undefined,
    });

    // Act
    const response = await handler(event as KinesisStreamEvent);

    // Assess
    expect(response).toEqual({
      batchItemFailures: [{ itemIdentifier: '49590338271490256608559692538361571095921575989136588898' }],
    });
  });

  it('fails the cold start with a message naming the fix when configuration is missing', async () => {
    const handler = createKinesisHandler(statefulWordCount, { environment: {} });

    await expect(handler(event as KinesisStreamEvent)).rejects.toThrow(/SPARKLESS_STATE_TABLE is not set/);
  });
});
