export type { DeadLetterEntry, DeadLetterSink } from './dead-letter-sink';
export { MemoryDeadLetterSink } from './memory-dead-letter-sink';
export { ObjectStoreDeadLetterSink } from './object-store-dead-letter-sink';
