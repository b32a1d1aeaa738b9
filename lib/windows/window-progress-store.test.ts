import { describe } from 'vitest';
import { useEmbeddedStateTable } from '../../test/support/embedded-state-table';
import { DynamoDbWindowProgressStore } from './dynamodb-window-progress-store';
import { timerBucketIndexContract } from './timer-bucket-index.contract';
import { MemoryWindowProgressStore } from './window-progress-store';

describe('Class: MemoryWindowProgressStore', () => {
  describe('Timer bucket index', () => {
    timerBucketIndexContract(async () => new MemoryWindowProgressStore());
  });
});

describe('Class: DynamoDbWindowProgressStore (DynamoDB emulator over HTTP)', () => {
  const table = useEmbeddedStateTable('progress-test');

  describe('Timer bucket index', () => {
    timerBucketIndexContract(
      async () =>
        new DynamoDbWindowProgressStore({
          client: table.dynamodb(),
          tableName: 'progress-test',
          namespace: table.namespace(),
        }),
    );
  });
});
