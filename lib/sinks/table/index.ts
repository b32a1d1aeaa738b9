export { marshallAttributes, marshallValue } from './attribute-value';
export { MAX_KEY_ATTRIBUTES, TableSinkDefaults } from './constants';
export type { DynamoDbTableSinkOptions } from './dynamodb-table-sink';
export { DynamoDbTableSink } from './dynamodb-table-sink';
export {
  InvalidTableRowError,
  TableRowTooLargeError,
  TableSinkError,
  TableSinkErrorCode,
  TableWriteError,
} from './errors';
export type { MemoryTableSinkOptions } from './memory-table-sink';
export { MemoryTableSink } from './memory-table-sink';
export { compareSequences, rowLimitViolation, tableKeyId } from './table-rows';
export type {
  RowDeadLetters,
  TableKey,
  TableRow,
  TableSequence,
  TableSink,
  UpsertOptions,
  UpsertResult,
} from './table-sink';
