export type { Item } from './dynamodb-items';
export { Attr, isConditionalCheckFailed } from './dynamodb-items';
export type { DynamoDbKeyedStateStoreOptions } from './dynamodb-keyed-state-store';
export { DynamoDbKeyedStateStore } from './dynamodb-keyed-state-store';
export { refId } from './keyed-state-store';
export type { KeyedStateStore, PutResult, StateKeyRef, StoredState } from './keyed-state-store';
export { MemoryKeyedStateStore } from './memory-keyed-state-store';
