import { describe } from 'vitest';
import { MemoryPartitionLedgerStore } from './memory-partition-ledger-store';
import { partitionLedgerStoreContract } from './partition-ledger-store.contract';

describe('Class: MemoryPartitionLedgerStore', () => {
  describe('Contract: PartitionLedgerStore', () => {
    partitionLedgerStoreContract(async () => new MemoryPartitionLedgerStore(), { numRuns: 200 });
  });
});
