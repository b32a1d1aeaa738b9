export type { BatchExecutorOptions, PartitionResult, ReferenceProvider } from './batch-executor';
export { BatchExecutor } from './batch-executor';
export { toDeadLetterEntries } from './dead-letters';
export type { FencedStateBackendOptions, StateWriteStats } from './fenced-state-backend';
export { FencedStateBackend } from './fenced-state-backend';
