export type { DynamoDbPartitionLedgerStoreOptions } from './dynamodb-partition-ledger-store';
export { DynamoDbPartitionLedgerStore } from './dynamodb-partition-ledger-store';
export { MemoryPartitionLedgerStore } from './memory-partition-ledger-store';
export type { LedgerEntry, OpenBatch, PartitionLedgerStore } from './partition-ledger';
export { EMPTY_LEDGER, eventTimeClock } from './partition-ledger';
