export type { BatchExecutorOptions, PartitionResult, ProcessPartitionOptions } from './batch-executor';
export type { ReferenceProvider, ReferenceVersions, VersionedReferenceResolver } from './reference-provider';
export { BatchExecutor, PartitionHistoryMismatchError } from './batch-executor';
export { ENVELOPE_STAGE, toDeadLetterEntries, toEnvelopeDeadLetterEntries } from './dead-letters';
export type { FencedStateBackendOptions, StateWriteStats } from './fenced-state-backend';
export { FencedStateBackend } from './fenced-state-backend';
export { createInMemoryRuntime } from './in-memory-runtime';
export type { InMemoryRuntimeOptions } from './in-memory-runtime';
