import { Duration } from 'aws-cdk-lib';
import { RetentionDays } from 'aws-cdk-lib/aws-logs';
import { EnvVar } from '../../lib/handlers/environment';
import { WINDOW_TICK } from '../../lib/handlers/window-tick';
import { Attr } from '../../lib/state/dynamodb-items';

/**
 * Names of the environment variables the Lambda handler reads (defined once, in `lib/handlers`, except
 * `SPARKLESS_RESULT_TABLE`, which the seed pipelines' result-table sink reads). All are reserved: the
 * construct sets `SPARKLESS_CODE_VERSION`, `SPARKLESS_RESULT_TABLE` and `SPARKLESS_WINDOW_IDLE_TIMEOUT_MS`
 * only when the matching prop is given, the others always.
 */
export const SparklessEnvironment = {
  /** The plan name of the pipeline the function runs (`PipelinePlan.name`). */
  PIPELINE: EnvVar.pipeline,
  /** The DynamoDB table holding keyed state, committed offsets and the batch ledger. */
  STATE_TABLE: EnvVar.stateTable,
  /** The S3 bucket for metadata checkpoints, the write-ahead log (`wal/`) and dead letters (`dead-letter/`). */
  CHECKPOINT_BUCKET: EnvVar.checkpointBucket,
  /** The prefix that isolates this pipeline's state inside the table and the bucket. */
  STATE_NAMESPACE: EnvVar.stateNamespace,
  /** A version label of the deployed code, recorded in the metadata checkpoint. */
  CODE_VERSION: EnvVar.codeVersion,
  /** How long (milliseconds) an idle partition may hold event-time window firing back. */
  WINDOW_IDLE_TIMEOUT: EnvVar.windowIdleTimeoutMs,
  /**
   * The DynamoDB table `foreachBatch` code writes results into (`functions/pipelines/result-table.ts`
   * reads it; not part of `lib/handlers`' `EnvVar`, so it is spelled out here).
   */
  RESULT_TABLE: 'SPARKLESS_RESULT_TABLE',
} as const;

/** One of the {@link SparklessEnvironment} variable names. */
export type SparklessEnvironmentVariable = (typeof SparklessEnvironment)[keyof typeof SparklessEnvironment];

/** Key schema and TTL attribute of the state table, shared with the DynamoDB state adapter. */
export const StateTableSchema = {
  PARTITION_KEY: Attr.pk,
  SORT_KEY: Attr.sk,
  TTL_ATTRIBUTE: Attr.expiresAt,
} as const;

/** Key prefixes inside the checkpoint bucket. */
export const CheckpointBucketPrefix = {
  /** Write-ahead log of claimed batches; expires after `writeAheadLogRetention`. */
  WRITE_AHEAD_LOG: 'wal/',
} as const;

/** The payload the scheduled window trigger sends to the function (the handlers' `WINDOW_TICK`). */
export const WINDOW_TRIGGER_EVENT = WINDOW_TICK;

/** The payload type of {@link WINDOW_TRIGGER_EVENT}. */
export type WindowTriggerEvent = typeof WINDOW_TRIGGER_EVENT;

/** Defaults applied when an optional prop is omitted; each prop's `@default` documents the same value. */
export const StreamingPipelineDefaults = {
  BATCH_SIZE: 100,
  MAX_BATCHING_WINDOW: Duration.seconds(1),
  /** Retries under `FailurePolicy.DiscardAndRecover`. */
  RETRY_ATTEMPTS: 10,
  /** `MaximumRetryAttempts` under `FailurePolicy.BlockUntilFixed`: retry until the records expire. */
  INFINITE_RETRY_ATTEMPTS: -1,
  MAX_RECORD_AGE: Duration.hours(24),
  PARALLELIZATION_FACTOR: 1,
  MEMORY_SIZE_MB: 1024,
  TIMEOUT: Duration.minutes(1),
  TEXT_FILES_TIMEOUT: Duration.minutes(5),
  ASYNC_RETRY_ATTEMPTS: 2,
  MAX_EVENT_AGE: Duration.hours(6),
  INPUT_UPLOADS_ABORT_AFTER: Duration.days(1),
  STREAM_RETENTION: Duration.days(7),
  WRITE_AHEAD_LOG_RETENTION: Duration.days(7),
  WRITE_AHEAD_LOG_NONCURRENT_VERSION_RETENTION: Duration.days(1),
  NONCURRENT_VERSION_RETENTION: Duration.days(30),
  ABORT_INCOMPLETE_UPLOADS_AFTER: Duration.days(1),
  DEAD_LETTER_QUEUE_RETENTION: Duration.days(14),
  ITERATOR_AGE_ALARM_THRESHOLD: Duration.minutes(5),
  /** Failed partition batches (the handlers' `FailedBatches` metric) per period that raise the alarm. */
  FAILED_BATCHES_ALARM_THRESHOLD: 1,
  FAILED_BATCHES_ALARM_PERIOD: Duration.minutes(1),
  LOG_RETENTION: RetentionDays.ONE_MONTH,
  WINDOW_TRIGGER_INTERVAL: Duration.minutes(1),
  HANDLER: 'handler',
} as const;

/** Service limits the props are validated against (inclusive bounds). */
export const StreamingPipelineLimits = {
  BATCH_SIZE: { min: 1, max: 10_000 },
  RETRY_ATTEMPTS: { min: 0, max: 10_000 },
  MAX_RECORD_AGE_SECONDS: { min: 60, max: 7 * 24 * 60 * 60 },
  MAX_BATCHING_WINDOW_SECONDS: { min: 0, max: 300 },
  ASYNC_RETRY_ATTEMPTS: { min: 0, max: 2 },
  MAX_EVENT_AGE_SECONDS: { min: 60, max: 6 * 60 * 60 },
  TIMEOUT_SECONDS: { min: 1, max: 15 * 60 },
  MEMORY_SIZE_MB: { min: 128, max: 10_240 },
  WINDOW_TRIGGER_INTERVAL_MINUTES: { min: 1 },
  /** One second to one day: shorter lets one slow shard's records go late, longer holds windows back. */
  WINDOW_IDLE_TIMEOUT_MS: { min: 1_000, max: 86_400_000 },
  /** DynamoDB attribute names of key attributes: 1 to 255 bytes. */
  KEY_ATTRIBUTE_NAME_BYTES: { min: 1, max: 255 },
  /** DynamoDB table names: 3 to 255 letters, digits, `_`, `-` and `.`. */
  TABLE_NAME_PATTERN: /^[A-Za-z0-9_.-]{3,255}$/,
  /** S3 bucket names: 3 to 63 lowercase letters, digits, `.` and `-`, starting and ending with a letter or digit. */
  BUCKET_NAME_PATTERN: /^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/,
  WRITE_AHEAD_LOG_RETENTION_DAYS: { min: 1 },
  /** Letters, digits, `-` and `_`, starting with a letter or digit, at most 64 characters. */
  NAME_PATTERN: /^[A-Za-z0-9][A-Za-z0-9_-]{0,63}$/,
} as const;
