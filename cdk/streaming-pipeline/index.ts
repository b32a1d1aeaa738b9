export type { PipelineAlarms, PipelineAlarmsOptions } from './alarms';
export { createPipelineAlarms } from './alarms';
export type { CheckpointBucketOptions } from './checkpoint-bucket';
export { createCheckpointBucket } from './checkpoint-bucket';
export type { SparklessEnvironmentVariable, WindowTriggerEvent } from './constants';
export {
  CheckpointBucketPrefix,
  SparklessEnvironment,
  StateTableSchema,
  StreamingPipelineDefaults,
  StreamingPipelineLimits,
  WINDOW_TRIGGER_EVENT,
} from './constants';
export { createDeadLetterQueue } from './dead-letter-queue';
export type { StreamingPipelineValidationErrorDetails } from './errors';
export {
  StreamingPipelineError,
  StreamingPipelineErrorCode,
  StreamingPipelineValidationError,
} from './errors';
export { createStateTable } from './state-table';
export { StreamingPipeline } from './streaming-pipeline';
export type { KinesisSourceProps, StreamingPipelineBaseProps, StreamingPipelineProps } from './types';
export { validateStreamingPipelineProps } from './validation';
export type { WindowTriggerOptions } from './window-trigger';
export { createWindowTrigger } from './window-trigger';
