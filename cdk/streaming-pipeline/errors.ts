/** Stable codes of the errors {@link StreamingPipeline} throws at synth time. */
export const StreamingPipelineErrorCode = {
  BATCH_SIZE_OUT_OF_RANGE: 'BatchSizeOutOfRange',
  PARALLELIZATION_FACTOR_NOT_ONE: 'ParallelizationFactorNotOne',
  RETRY_ATTEMPTS_OUT_OF_RANGE: 'RetryAttemptsOutOfRange',
  MAX_RECORD_AGE_OUT_OF_RANGE: 'MaxRecordAgeOutOfRange',
  MAX_BATCHING_WINDOW_OUT_OF_RANGE: 'MaxBatchingWindowOutOfRange',
  TIMEOUT_OUT_OF_RANGE: 'TimeoutOutOfRange',
  MEMORY_SIZE_OUT_OF_RANGE: 'MemorySizeOutOfRange',
  INVALID_PLAN_NAME: 'InvalidPlanName',
  INVALID_STATE_NAMESPACE: 'InvalidStateNamespace',
  STREAM_AND_STREAM_PROPS: 'StreamAndStreamProps',
  UNENCRYPTED_STREAM: 'UnencryptedStream',
  INVALID_WINDOW_TRIGGER_INTERVAL: 'InvalidWindowTriggerInterval',
  INVALID_WRITE_AHEAD_LOG_RETENTION: 'InvalidWriteAheadLogRetention',
  INVALID_ITERATOR_AGE_ALARM_THRESHOLD: 'InvalidIteratorAgeAlarmThreshold',
  RESERVED_ENVIRONMENT_VARIABLE: 'ReservedEnvironmentVariable',
  UNSUPPORTED_SOURCE: 'UnsupportedSource',
  KINESIS_PROP_FOR_TEXT_FILES: 'KinesisPropForTextFiles',
  TEXT_FILES_PROP_FOR_KINESIS: 'TextFilesPropForKinesis',
  ASYNC_RETRY_ATTEMPTS_OUT_OF_RANGE: 'AsyncRetryAttemptsOutOfRange',
  MAX_EVENT_AGE_OUT_OF_RANGE: 'MaxEventAgeOutOfRange',
  INPUT_BUCKET_IS_CHECKPOINT_BUCKET: 'InputBucketIsCheckpointBucket',
  WINDOW_IDLE_TIMEOUT_OUT_OF_RANGE: 'WindowIdleTimeoutOutOfRange',
  INVALID_RESULT_TABLE_KEY: 'InvalidResultTableKey',
  RESULT_TABLE_IS_STATE_TABLE: 'ResultTableIsStateTable',
  INVALID_REFERENCE_SOURCE: 'InvalidReferenceSource',
  INVALID_TEXT_FILE_PREFIX: 'InvalidTextFilePrefix',
  FAILURE_POLICY_CONFLICT: 'FailurePolicyConflict',
  FAILURE_POLICY_UNSUPPORTED: 'FailurePolicyUnsupported',
  WRITE_AHEAD_LOG_SHORTER_THAN_STREAM: 'WriteAheadLogShorterThanStream',
  INVALID_ALARM_EMAIL: 'InvalidAlarmEmail',
} as const;

/** One of the {@link StreamingPipelineErrorCode} values. */
export type StreamingPipelineErrorCode =
  (typeof StreamingPipelineErrorCode)[keyof typeof StreamingPipelineErrorCode];

/**
 * Base class of every error the Sparkless CDK constructs throw.
 *
 * @example
 * try {
 *   new StreamingPipeline(stack, 'Pipeline', props);
 * } catch (error) {
 *   if (error instanceof StreamingPipelineError && error.code === StreamingPipelineErrorCode.BATCH_SIZE_OUT_OF_RANGE) {
 *     // ...
 *   }
 * }
 */
export class StreamingPipelineError extends Error {
  /** Stable, machine-readable code; the message may change, the code does not. */
  public readonly code: StreamingPipelineErrorCode;

  public constructor(code: StreamingPipelineErrorCode, message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = 'StreamingPipelineError';
    this.code = code;
  }
}

/** Details carried by a {@link StreamingPipelineValidationError}. */
export interface StreamingPipelineValidationErrorDetails {
  /** The stable error code. */
  readonly code: StreamingPipelineErrorCode;
  /** The prop that failed validation, e.g. `batchSize` or `plan.name`. */
  readonly property: string;
  /** The rejected value, rendered for humans (e.g. `0`, `10 seconds`). */
  readonly given: string;
  /** What is wrong, e.g. `must be between 1 and 10000 inclusive`. */
  readonly problem: string;
  /** How to fix it. */
  readonly fix: string;
  /** The construct path of the pipeline whose props were rejected. */
  readonly constructPath: string;
}

/**
 * A prop of {@link StreamingPipeline} is invalid. The message echoes the input and names the fix:
 * `Stack/Pipeline: batchSize must be between 1 and 10000 inclusive (given 0). Set batchSize to ...`.
 */
export class StreamingPipelineValidationError extends StreamingPipelineError {
  /** The prop that failed validation. */
  public readonly property: string;
  /** The rejected value, rendered for humans. */
  public readonly given: string;
  /** How to fix it. */
  public readonly fix: string;
  /** The construct path of the pipeline whose props were rejected. */
  public readonly constructPath: string;

  public constructor(details: StreamingPipelineValidationErrorDetails) {
    super(
      details.code,
      `${details.constructPath}: ${details.property} ${details.problem} (given ${details.given}). ${details.fix}`,
    );
    this.name = 'StreamingPipelineValidationError';
    this.property = details.property;
    this.given = details.given;
    this.fix = details.fix;
    this.constructPath = details.constructPath;
  }
}
