import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { afterAll, beforeAll, describe } from 'vitest';
import { createAwsClients } from '../../localstack/clients';
import { type EmbeddedStack, startEmbeddedStack } from '../../localstack/embedded';
import { ensureStateTable } from '../../localstack/setup/state-table';
import { DynamoDbWindowProgressStore } from './dynamodb-window-progress-store';
import { timerBucketIndexContract } from './timer-bucket-index.contract';
import { MemoryWindowProgressStore } from './window-progress-store';

describe('Class: MemoryWindowProgressStore', () => {
  describe('Timer bucket index', () => {
    timerBucketIndexContract(async () => new MemoryWindowProgressStore());
  });
});

describe('Class: DynamoDbWindowProgressStore (DynamoDB emulator over HTTP)', () => {
  let stack: EmbeddedStack;
  let dynamodb: DynamoDBClient;
  let namespaces = 0;

  beforeAll(async () => {
    stack = await startEmbeddedStack({ port: 0, persist: false });
    ({ dynamodb } = createAwsClients({ endpoint: stack.endpoint, region: stack.region }));
    await ensureStateTable(dynamodb, 'progress-test');
  });

  afterAll(async () => {
    dynamodb?.destroy();
    await stack?.stop();
  });

  describe('Timer bucket index', () => {
    timerBucketIndexContract(
      async () =>
        new DynamoDbWindowProgressStore({
          client: dynamodb,
          tableName: 'progress-test',
          namespace: `progress-${++namespaces}`,
        }),
    );
  });
});
