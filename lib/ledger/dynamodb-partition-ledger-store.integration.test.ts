import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { afterAll, beforeAll, describe } from 'vitest';
import { createAwsClients } from '../../localstack/clients';
import { type EmbeddedStack, startEmbeddedStack } from '../../localstack/embedded';
import { ensureStateTable } from '../../localstack/setup/state-table';
import { DynamoDbPartitionLedgerStore } from './dynamodb-partition-ledger-store';
import { partitionLedgerStoreContract } from './partition-ledger-store.contract';

describe('Integration: DynamoDbPartitionLedgerStore on the embedded stack', () => {
  let stack: EmbeddedStack;
  let dynamodb: DynamoDBClient;
  let namespaces = 0;

  beforeAll(async () => {
    stack = await startEmbeddedStack({ port: 0, persist: false });
    ({ dynamodb } = createAwsClients({ endpoint: stack.endpoint, region: stack.region }));
    await ensureStateTable(dynamodb, 'ledger-contract');
  });

  afterAll(async () => {
    dynamodb?.destroy();
    await stack?.stop();
  });

  describe('Contract: PartitionLedgerStore', () => {
    partitionLedgerStoreContract(
      async () =>
        new DynamoDbPartitionLedgerStore({
          client: dynamodb,
          tableName: 'ledger-contract',
          namespace: `ledger-${++namespaces}`,
        }),
      { numRuns: 20 },
    );
  });
});
