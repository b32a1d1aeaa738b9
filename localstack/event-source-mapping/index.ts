export type { BatchResponseVerdict } from './batch-response';
export { interpretBatchResponse } from './batch-response';
export type { CheckpointStore, ShardCheckpoint } from './checkpoint-store';
export { InMemoryCheckpointStore, isCheckpointAdvance } from './checkpoint-store';
export type { Clock } from './clock';
export { systemClock } from './clock';
export { EsmDefaults, EsmLimits } from './constants';
export {
  CheckpointNotInStreamError,
  CheckpointStoreError,
  DestinationDeliveryError,
  EventSourceMappingError,
  EventSourceMappingErrorCode,
  FunctionTimeoutError,
  IdleWaitExceededError,
  InvalidEventSourceMappingConfigError,
  KinesisReadError,
  ShardPollError,
} from './errors';
export type { EventRecordEnvelope } from './event-builder';
export { toKinesisStreamRecord } from './event-builder';
export { KinesisEventSourceMapping } from './event-source-mapping';
export type { JsonFileCheckpointStoreProps } from './json-file-checkpoint-store';
export { JsonFileCheckpointStore } from './json-file-checkpoint-store';
export { compareSequenceNumbers } from './sequence-number';
export type {
  EventSourceMappingStats,
  KinesisBatchHandler,
  KinesisBatchInfo,
  KinesisClientPort,
  KinesisEventSourceMappingProps,
  KinesisInvocationRecord,
  OnFailureDestination,
  OnFailureDetails,
  PollResult,
  RunUntilIdleOptions,
  RunUntilIdleResult,
  ShardStatus,
} from './types';
export { FailureCondition, StartingPosition } from './types';
