import { describe } from 'vitest';
import { useEmbeddedStateTable } from '../../test/support/embedded-state-table';
import { DynamoDbPartitionLedgerStore } from './dynamodb-partition-ledger-store';
import { partitionLedgerStoreContract } from './partition-ledger-store.contract';

describe('Integration: DynamoDbPartitionLedgerStore on the embedded stack', () => {
  const table = useEmbeddedStateTable('ledger-contract');

  describe('Contract: PartitionLedgerStore', () => {
    partitionLedgerStoreContract(
      async () =>
        new DynamoDbPartitionLedgerStore({
          client: table.dynamodb(),
          tableName: 'ledger-contract',
          namespace: table.namespace(),
        }),
      { numRuns: 20 },
    );
  });
});
