import { Annotations, RemovalPolicy } from 'aws-cdk-lib';
import type * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import type * as events from 'aws-cdk-lib/aws-events';
import * as kinesis from 'aws-cdk-lib/aws-kinesis';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { KinesisEventSource, SqsDlq } from 'aws-cdk-lib/aws-lambda-event-sources';
import * as nodejs from 'aws-cdk-lib/aws-lambda-nodejs';
import * as logs from 'aws-cdk-lib/aws-logs';
import type * as s3 from 'aws-cdk-lib/aws-s3';
import type * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import type { PipelinePlan } from '../../lib/core/plan/types';
import { createPipelineAlarms, type PipelineAlarms } from './alarms';
import { createCheckpointBucket } from './checkpoint-bucket';
import { SparklessEnvironment, StreamingPipelineDefaults } from './constants';
import { createDeadLetterQueue } from './dead-letter-queue';
import { createStateTable } from './state-table';
import type { StreamingPipelineProps } from './types';
import { validateStreamingPipelineProps } from './validation';
import { createWindowTrigger } from './window-trigger';

const MAX_DESCRIPTION_LENGTH = 256;

/**
 * A Sparkless pipeline on AWS: a Kinesis stream read by a batch-triggered Lambda function that
 * keeps exactly-once state in DynamoDB and checkpoints, write-ahead log and dead letters in S3.
 *
 * It creates (or imports) the stream, bundles the handler locally with esbuild (no Docker), maps
 * the stream to the function with bisect-on-error, batch item failures, bounded retries and an SQS
 * on-failure destination, creates the state table and checkpoint bucket (or uses given ones),
 * grants the function least-privilege access, alarms on lag, errors and discarded batches and,
 * when the plan has event-time windows, schedules a window trigger.
 *
 * @example
 * import { statefulWordCount } from '../functions/pipelines/stateful-word-count';
 *
 * const pipeline = new StreamingPipeline(this, 'StatefulWordCount', {
 *   plan: statefulWordCount.plan,
 *   entry: path.join(__dirname, '../functions/stateful-word-count/handler.ts'),
 *   batchSize: 500,
 *   maxRecordAge: Duration.hours(6),
 * });
 * pipeline.alarms.iteratorAge.addAlarmAction(new SnsAction(topic));
 */
export class StreamingPipeline extends Construct {
  /** The plan this pipeline was built from. */
  public readonly plan: PipelinePlan;
  /** The state namespace passed to the function (`SPARKLESS_STATE_NAMESPACE`). */
  public readonly stateNamespace: string;
  /** The source stream (created or imported). */
  public readonly stream: kinesis.IStream;
  /** The pipeline's Lambda function. */
  public readonly lambdaFunction: nodejs.NodejsFunction;
  /** The function's log group. */
  public readonly logGroup: logs.LogGroup;
  /** The Kinesis event source bound to the function (its mapping id: `eventSource.eventSourceMappingId`). */
  public readonly eventSource: KinesisEventSource;
  /** The on-failure destination of the event source mapping. */
  public readonly deadLetterQueue: sqs.Queue;
  /** The table for state, offsets and the batch ledger (created or given). */
  public readonly stateTable: dynamodb.ITable;
  /** The bucket for checkpoints, the write-ahead log and dead letters (created or given). */
  public readonly checkpointBucket: s3.IBucket;
  /** The alarms on lag, function errors and discarded batches. */
  public readonly alarms: PipelineAlarms;
  /** The scheduled window trigger, present when `plan.needsWindowTrigger` is true. */
  public readonly windowTrigger?: events.Rule;

  public constructor(scope: Construct, id: string, props: StreamingPipelineProps) {
    super(scope, id);
    validateStreamingPipelineProps(props, this.node.path);

    const defaults = StreamingPipelineDefaults;
    // SNAPSHOT is not supported by any resource here: keep the data instead.
    const removalPolicy =
      props.removalPolicy === undefined || props.removalPolicy === RemovalPolicy.SNAPSHOT
        ? RemovalPolicy.RETAIN
        : props.removalPolicy;
    this.plan = props.plan;
    this.stateNamespace = props.stateNamespace ?? props.plan.name;

    this.stream = props.stream ?? this.createStream(props, removalPolicy);
    this.stateTable = props.stateTable ?? createStateTable(this, removalPolicy);
    this.checkpointBucket =
      props.checkpointBucket ??
      createCheckpointBucket(this, {
        removalPolicy,
        writeAheadLogRetention: props.writeAheadLogRetention ?? defaults.WRITE_AHEAD_LOG_RETENTION,
      });
    this.deadLetterQueue = createDeadLetterQueue(this, removalPolicy);
    this.logGroup = new logs.LogGroup(this, 'LogGroup', {
      retention: props.logRetention ?? defaults.LOG_RETENTION,
      removalPolicy,
    });

    this.lambdaFunction = new nodejs.NodejsFunction(this, 'Function', {
      entry: props.entry,
      handler: props.handler ?? defaults.HANDLER,
      depsLockFilePath: props.depsLockFilePath,
      description: `Sparkless pipeline ${props.plan.name} (plan ${props.plan.fingerprint})`.slice(
        0,
        MAX_DESCRIPTION_LENGTH,
      ),
      runtime: props.runtime ?? lambda.Runtime.NODEJS_22_X,
      architecture: lambda.Architecture.ARM_64,
      memorySize: props.memorySize ?? defaults.MEMORY_SIZE_MB,
      timeout: props.timeout ?? defaults.TIMEOUT,
      logGroup: this.logGroup,
      environment: {
        ...props.environment,
        NODE_OPTIONS: '--enable-source-maps',
        [SparklessEnvironment.PIPELINE]: props.plan.name,
        [SparklessEnvironment.STATE_TABLE]: this.stateTable.tableName,
        [SparklessEnvironment.CHECKPOINT_BUCKET]: this.checkpointBucket.bucketName,
        [SparklessEnvironment.STATE_NAMESPACE]: this.stateNamespace,
        ...(props.codeVersion === undefined
          ? {}
          : { [SparklessEnvironment.CODE_VERSION]: props.codeVersion }),
      },
      bundling: {
        forceDockerBundling: false,
        minify: true,
        sourceMap: true,
        sourcesContent: false,
        bundleAwsSDK: true,
        ...props.bundling,
      },
    });

    this.stateTable.grantReadWriteData(this.lambdaFunction);
    this.checkpointBucket.grantReadWrite(this.lambdaFunction);

    this.eventSource = new KinesisEventSource(this.stream, {
      startingPosition: props.startingPosition ?? lambda.StartingPosition.TRIM_HORIZON,
      startingPositionTimestamp: props.startingPositionTimestamp,
      batchSize: props.batchSize ?? defaults.BATCH_SIZE,
      maxBatchingWindow: props.maxBatchingWindow ?? defaults.MAX_BATCHING_WINDOW,
      parallelizationFactor: defaults.PARALLELIZATION_FACTOR,
      bisectBatchOnError: true,
      reportBatchItemFailures: true,
      retryAttempts: props.retryAttempts ?? defaults.RETRY_ATTEMPTS,
      maxRecordAge: props.maxRecordAge ?? defaults.MAX_RECORD_AGE,
      onFailure: new SqsDlq(this.deadLetterQueue),
    });
    this.lambdaFunction.addEventSource(this.eventSource);

    this.alarms = createPipelineAlarms(this, {
      lambdaFunction: this.lambdaFunction,
      deadLetterQueue: this.deadLetterQueue,
      iteratorAgeThreshold: props.iteratorAgeAlarmThreshold ?? defaults.ITERATOR_AGE_ALARM_THRESHOLD,
    });

    if (props.plan.needsWindowTrigger) {
      this.windowTrigger = createWindowTrigger(this, {
        lambdaFunction: this.lambdaFunction,
        interval: props.windowTriggerInterval ?? defaults.WINDOW_TRIGGER_INTERVAL,
        pipelineName: props.plan.name,
      });
    }
  }

  private createStream(props: StreamingPipelineProps, removalPolicy: RemovalPolicy): kinesis.Stream {
    const streamProps = props.streamProps ?? {};
    const retentionPeriod = streamProps.retentionPeriod ?? StreamingPipelineDefaults.STREAM_RETENTION;
    const maxRecordAge = props.maxRecordAge ?? StreamingPipelineDefaults.MAX_RECORD_AGE;
    if (
      !retentionPeriod.isUnresolved() &&
      !maxRecordAge.isUnresolved() &&
      maxRecordAge.toMilliseconds() >= retentionPeriod.toMilliseconds()
    ) {
      Annotations.of(this).addWarningV2(
        'sparkless:maxRecordAgeReachesStreamRetention',
        `maxRecordAge (${maxRecordAge.toHumanString()}) is not shorter than the stream's retention ` +
          `(${retentionPeriod.toHumanString()}): batches discarded to the dead-letter queue cannot be re-read. ` +
          'Lower maxRecordAge or raise streamProps.retentionPeriod.',
      );
    }
    return new kinesis.Stream(this, 'Stream', {
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
}
