export type { AlarmTopicOptions } from './alarm-topic';
export { createAlarmTopic, notifyOnAlarmAndOk } from './alarm-topic';
export type { PipelineAlarms, PipelineAlarmsOptions } from './alarms';
export { allAlarms, createPipelineAlarms, sparklessMetric } from './alarms';
export type { BucketAccessOptions } from './bucket-access';
export { BucketAccessActions, grantBucketAccess } from './bucket-access';
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
export type { PipelineDashboardOptions } from './dashboard';
export { createPipelineDashboard } from './dashboard';
export { createDeadLetterQueue } from './dead-letter-queue';
export type { StreamingPipelineValidationErrorDetails } from './errors';
export {
  StreamingPipelineError,
  StreamingPipelineErrorCode,
  StreamingPipelineValidationError,
} from './errors';
export {
  DEFAULT_FAILURE_POLICY,
  FailurePolicy,
  failurePolicyName,
  resolveFailurePolicy,
} from './failure-policy';
export { createInputBucket } from './input-bucket';
export type { NagSuppression } from './nag-suppressions';
export { NagReason, suppressNagFindings } from './nag-suppressions';
export type { PlanAccessOptions, TextFilePrefixLocation } from './plan-access';
export { grantPlanAccess, iamLiteral, PlanAccessActions, textFilePrefixLocation } from './plan-access';
export type { ResultTableOptions } from './result-table';
export { createResultTable, isExistingTable, RESULT_TABLE_ACTIONS } from './result-table';
export type { KinesisSource, KinesisSourceOptions } from './kinesis-source';
export { wireKinesisSource } from './kinesis-source';
export { createStateTable } from './state-table';
export { StreamingPipeline } from './streaming-pipeline';
export type { TextFilesSourceOptions } from './text-files-source';
export { wireTextFilesSource } from './text-files-source';
export type {
  KinesisSourceProps,
  ResultTableProps,
  StreamingPipelineBaseProps,
  StreamingPipelineProps,
  TextFilesSourceProps,
} from './types';
export { validateStreamingPipelineProps } from './validation';
export type { WindowTriggerOptions } from './window-trigger';
export { createWindowTrigger } from './window-trigger';
