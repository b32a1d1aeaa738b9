export * from './types';
export { buildFailureEvent, buildProgress, type BatchMeasurements, progressId } from './build-progress';
export {
  MemoryProgressStore,
  type ProgressReader,
  type ProgressSink,
  type ProgressStore,
} from './progress-store';
export {
  DEFAULT_PROGRESS_RETENTION_SECONDS,
  DynamoDbProgressStore,
  type DynamoDbProgressStoreOptions,
} from './dynamodb-progress-store';
export {
  type OpenBatchStatus,
  type PartitionStatus,
  type PipelineStatus,
  type ProgressLocation,
  type ProgressSources,
  progressSources,
  recentProgress,
  status,
} from './status';
export {
  type ForwardedProgressEvent,
  forwardedFailure,
  forwardedProgress,
  forwardProgressToEventBridge,
  forwardProgressToKinesis,
  ProgressEventBridge,
} from './forwarders';
