import { Annotations, type RemovalPolicy } from 'aws-cdk-lib';
import * as kinesis from 'aws-cdk-lib/aws-kinesis';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { KinesisEventSource, SqsDlq } from 'aws-cdk-lib/aws-lambda-event-sources';
import type * as sqs from 'aws-cdk-lib/aws-sqs';
import type { Construct } from 'constructs';
import { StreamingPipelineDefaults } from './constants';
import { FailurePolicy } from './failure-policy';
import type { KinesisSourceProps } from './types';

/** Options of {@link wireKinesisSource}. */
export interface KinesisSourceOptions {
  /** The source props of the pipeline. */
  readonly props: KinesisSourceProps;
  /** The pipeline's function. */
  readonly lambdaFunction: lambda.IFunction;
  /** The on-failure destination of the event source mapping. */
  readonly deadLetterQueue: sqs.IQueue;
  /** What happens to a new stream when it leaves the stack. */
  readonly removalPolicy: RemovalPolicy;
  /** The failure policy in effect (the prop or the default). */
  readonly failurePolicy: FailurePolicy;
}

/** The Kinesis side of a pipeline. */
export interface KinesisSource {
  /** The stream (created or imported). */
  readonly stream: kinesis.IStream;
  /** The event source bound to the function. */
  readonly eventSource: KinesisEventSource;
}

/**
 * Creates (or takes) the stream and maps it to the function with bisect-on-error, batch item
 * failures, `ParallelizationFactor` 1 and the SQS on-failure destination. Under
 * `FailurePolicy.BlockUntilFixed` a failed batch is retried until its records expire
 * (`MaximumRetryAttempts` -1, `MaximumRecordAgeInSeconds` left out, which Lambda reads as -1); under
 * `FailurePolicy.DiscardAndRecover` retries are bounded by `retryAttempts` and `maxRecordAge`. The
 * on-failure destination is kept under both: a blocked batch whose records expire from the stream is
 * reported there too.
 *
 * @param scope - the pipeline construct
 * @param options - the source props, the function, the queue and the removal policy
 */
export function wireKinesisSource(scope: Construct, options: KinesisSourceOptions): KinesisSource {
  const { props } = options;
  const defaults = StreamingPipelineDefaults;
  const stream = props.stream ?? createStream(scope, props, options);
  const eventSource = new KinesisEventSource(stream, {
    startingPosition: props.startingPosition ?? lambda.StartingPosition.TRIM_HORIZON,
    startingPositionTimestamp: props.startingPositionTimestamp,
    batchSize: props.batchSize ?? defaults.BATCH_SIZE,
    maxBatchingWindow: props.maxBatchingWindow ?? defaults.MAX_BATCHING_WINDOW,
    parallelizationFactor: defaults.PARALLELIZATION_FACTOR,
    bisectBatchOnError: true,
    reportBatchItemFailures: true,
    // The mapping's own EventCount metrics (polled, processed, dropped, failed-invoke events).
    metricsConfig: { metrics: [lambda.MetricType.EVENT_COUNT] },
    ...(options.failurePolicy === FailurePolicy.BlockUntilFixed
      ? { retryAttempts: defaults.INFINITE_RETRY_ATTEMPTS }
      : {
          retryAttempts: props.retryAttempts ?? defaults.RETRY_ATTEMPTS,
          maxRecordAge: props.maxRecordAge ?? defaults.MAX_RECORD_AGE,
        }),
    onFailure: new SqsDlq(options.deadLetterQueue),
  });
  options.lambdaFunction.addEventSource(eventSource);
  return { stream, eventSource };
}

function createStream(
  scope: Construct,
  props: KinesisSourceProps,
  { removalPolicy, failurePolicy }: Pick<KinesisSourceOptions, 'removalPolicy' | 'failurePolicy'>,
): kinesis.Stream {
  const streamProps = props.streamProps ?? {};
  const retentionPeriod = streamProps.retentionPeriod ?? StreamingPipelineDefaults.STREAM_RETENTION;
  const maxRecordAge = props.maxRecordAge ?? StreamingPipelineDefaults.MAX_RECORD_AGE;
  if (
    failurePolicy === FailurePolicy.DiscardAndRecover &&
    !retentionPeriod.isUnresolved() &&
    !maxRecordAge.isUnresolved() &&
    maxRecordAge.toMilliseconds() >= retentionPeriod.toMilliseconds()
  ) {
    Annotations.of(scope).addWarningV2(
      'sparkless:maxRecordAgeReachesStreamRetention',
      `maxRecordAge (${maxRecordAge.toHumanString()}) is not shorter than the stream's retention ` +
        `(${retentionPeriod.toHumanString()}): batches discarded to the dead-letter queue cannot be recovered (sparkless recover re-reads them from the stream). ` +
        'Lower maxRecordAge or raise streamProps.retentionPeriod.',
    );
  }
  return new kinesis.Stream(scope, 'Stream', {
    removalPolicy,
    ...streamProps,
    retentionPeriod,
    encryption:
      streamProps.encryption ??
      (streamProps.encryptionKey === undefined
        ? kinesis.StreamEncryption.MANAGED
        : kinesis.StreamEncryption.KMS),
  });
}
