export type { Item } from './dynamodb-items';
export { Attr, isConditionalCheckFailed } from './dynamodb-items';
export {
  DynamoDbLimits,
  itemFits,
  DynamoDbValidationException,
  dynamoDbLimitViolation,
  isSizeLimitViolation,
  itemSizeBytes,
} from './dynamodb-limits';
export type { DynamoDbKeyedStateStoreOptions } from './dynamodb-keyed-state-store';
export { DynamoDbKeyedStateStore } from './dynamodb-keyed-state-store';
export { StateObjectMissingError } from './errors';
export { refId } from './keyed-state-store';
export type { KeyedStateStore, PutResult, StateKeyRef, StoredState } from './keyed-state-store';
export type { MemoryKeyedStateStoreOptions } from './memory-keyed-state-store';
export { MemoryKeyedStateStore } from './memory-keyed-state-store';
export type { ItemPutResult, StateItemStoreOptions } from './state-item-store';
export { HASHED_KEY_MARK, STATE_OBJECT_PREFIX, StateItemStore } from './state-item-store';
