import { Annotations, RemovalPolicy, Tokenization } from 'aws-cdk-lib';
import type * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import type * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import type * as events from 'aws-cdk-lib/aws-events';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as kinesis from 'aws-cdk-lib/aws-kinesis';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import type { KinesisEventSource } from 'aws-cdk-lib/aws-lambda-event-sources';
import * as nodejs from 'aws-cdk-lib/aws-lambda-nodejs';
import * as logs from 'aws-cdk-lib/aws-logs';
import type * as s3 from 'aws-cdk-lib/aws-s3';
import type * as sns from 'aws-cdk-lib/aws-sns';
import type * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import type { PipelinePlan } from '../../lib/core/plan/types';
import { createAlarmTopic, notifyOnAlarmAndOk } from './alarm-topic';
import { allAlarms, createPipelineAlarms, type PipelineAlarms } from './alarms';
import { BucketAccessActions, grantBucketAccess } from './bucket-access';
import { createCheckpointBucket } from './checkpoint-bucket';
import { SparklessEnvironment, StreamingPipelineDefaults } from './constants';
import { createPipelineDashboard } from './dashboard';
import { createDeadLetterQueue } from './dead-letter-queue';
import { type FailurePolicy, resolveFailurePolicy } from './failure-policy';
import { wireKinesisSource } from './kinesis-source';
import { grantPlanAccess } from './plan-access';
import { createResultTable } from './result-table';
import { createStateTable } from './state-table';
import { wireTextFilesSource } from './text-files-source';
import type { StreamingPipelineProps } from './types';
import { validateStreamingPipelineProps } from './validation';
import { createWindowTrigger } from './window-trigger';
import {
  bucketObjectsFinding,
  NagReason,
  suppressBucketNotificationsHandlerFindings,
  suppressNagFindings,
} from './nag-suppressions';

const MAX_DESCRIPTION_LENGTH = 256;

/**
 * A Sparkless pipeline on AWS: a Lambda function fed by the plan's source (a Kinesis stream, or
 * new text files in an S3 bucket) that keeps exactly-once state in DynamoDB and checkpoints,
 * write-ahead log and dead letters in S3.
 *
 * It bundles the handler locally with esbuild (no Docker), creates the state table and checkpoint
 * bucket (or uses given ones), grants the function least-privilege access (including the plan's
 * reference data and `saveAsTextFiles` outputs in other buckets), optionally creates or takes a
 * result table the function may only put items into, alarms on errors and discarded work and, when
 * the plan has event-time windows, schedules a window trigger. Per source:
 *
 * - `kinesis` (`fromKinesis()`): creates (or imports) an encrypted stream and maps it to the
 *   function with bisect-on-error, batch item failures, `ParallelizationFactor` 1 and an SQS
 *   on-failure destination; by default a failed batch blocks its shard until it succeeds
 *   (`failurePolicy`); alarms on failed batches and iterator age.
 * - `text-files` (`fromTextFiles({ prefix })`): creates (or imports) an encrypted, private, SSL-only
 *   input bucket whose `ObjectCreated` notifications under the prefix invoke the function, grants
 *   read on the prefix, and bounds the asynchronous invocations (retries, event age) with the SQS
 *   queue as on-failure destination.
 *
 * @example
 * import { statefulWordCount } from '../functions/pipelines/stateful-word-count';
 *
 * const pipeline = new StreamingPipeline(this, 'StatefulWordCount', {
 *   plan: statefulWordCount.plan,
 *   entry: path.join(__dirname, '../functions/stateful-word-count/handler.ts'),
 *   batchSize: 500,
 * });
 * // every alarm already notifies pipeline.alarmTopic (ALARM and OK); subscribe more endpoints there
 *
 * @example
 * import { fileStreamWordCount } from '../functions/pipelines/file-stream-word-count';
 *
 * const files = new StreamingPipeline(this, 'FileStreamWordCount', {
 *   plan: fileStreamWordCount.plan, // fromTextFiles({ prefix: 'input/' })
 *   entry: path.join(__dirname, '../functions/file-stream-word-count/handler.ts'),
 * });
 * files.inputBucket?.grantPut(uploader, 'input/*');
 *
 * @example
 * import { persistWordCount } from '../functions/pipelines/persist-word-count';
 *
 * const persisted = new StreamingPipeline(this, 'PersistWordCount', {
 *   plan: persistWordCount.plan, // foreachBatch(... resultTable().upsert(...))
 *   entry: path.join(__dirname, '../functions/persist-word-count/handler.ts'),
 *   resultTable: { partitionKey: { name: 'word', type: dynamodb.AttributeType.STRING } },
 * });
 * persisted.resultTable?.grantReadData(dashboard);
 */
export class StreamingPipeline extends Construct {
  /** The plan this pipeline was built from. */
  public readonly plan: PipelinePlan;
  /** The state namespace passed to the function (`SPARKLESS_STATE_NAMESPACE`). */
  public readonly stateNamespace: string;
  /** The source stream (created or imported), for a Kinesis pipeline. */
  public readonly stream?: kinesis.IStream;
  /** The bucket whose new files the pipeline reads (created or imported), for a text-file pipeline. */
  public readonly inputBucket?: s3.IBucket;
  /** The key prefix the pipeline reads in {@link inputBucket}, for a text-file pipeline. */
  public readonly inputPrefix?: string;
  /** The pipeline's Lambda function. */
  public readonly lambdaFunction: nodejs.NodejsFunction;
  /** The function's log group. */
  public readonly logGroup: logs.LogGroup;
  /** The Kinesis event source bound to the function (its mapping id: `eventSource.eventSourceMappingId`), for a Kinesis pipeline. */
  public readonly eventSource?: KinesisEventSource;
  /** The on-failure destination: of the event source mapping (Kinesis) or of the asynchronous invocations (text files). */
  public readonly deadLetterQueue: sqs.Queue;
  /** The table for state, offsets and the batch ledger (created or given). */
  public readonly stateTable: dynamodb.ITable;
  /** The bucket for checkpoints, the write-ahead log and dead letters (created or given). */
  public readonly checkpointBucket: s3.IBucket;
  /** The failure policy in effect (the `failurePolicy` prop, or the source's default). */
  public readonly failurePolicy: FailurePolicy;
  /**
   * The alarms on failed batches, dead letters, lag (Kinesis), function errors and discarded batches
   * or events; each notifies {@link alarmTopic} on ALARM and OK.
   */
  public readonly alarms: PipelineAlarms;
  /** The SNS topic the alarms notify (created, or the `alarmTopic` prop). */
  public readonly alarmTopic: sns.ITopic;
  /** The pipeline's CloudWatch dashboard (rates, batch duration, delay, state, dead letters, alarms). */
  public readonly dashboard: cloudwatch.Dashboard;
  /** The scheduled window trigger, present when `plan.needsWindowTrigger` is true. */
  public readonly windowTrigger?: events.Rule;
  /** The result table (created or given), present when the `resultTable` prop is set. */
  public readonly resultTable?: dynamodb.ITable;

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

    const source = props.plan.source;
    this.failurePolicy = resolveFailurePolicy(props.failurePolicy, source.kind);
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

    // Our own role instead of the default one with AWSLambdaBasicExecutionRole (logs actions on every
    // log group): the function may write to its own log group only.
    const role = new iam.Role(this, 'FunctionRole', {
      assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com'),
      description: `Sparkless pipeline ${props.plan.name}: its state, checkpoints, source and log group only`,
    });
    this.logGroup.grantWrite(role);

    this.lambdaFunction = new nodejs.NodejsFunction(this, 'Function', {
      role,
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
      timeout:
        props.timeout ?? (source.kind === 'text-files' ? defaults.TEXT_FILES_TIMEOUT : defaults.TIMEOUT),
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
        ...(props.windowIdleTimeout === undefined
          ? {}
          : {
              [SparklessEnvironment.WINDOW_IDLE_TIMEOUT]: Tokenization.stringifyNumber(
                props.windowIdleTimeout.toMilliseconds(),
              ),
            }),
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
    grantBucketAccess(this.checkpointBucket, this.lambdaFunction, {
      objectActions: BucketAccessActions.CHECKPOINT_OBJECTS,
      keyPattern: '*',
      write: true,
    });
    grantPlanAccess(this, {
      plan: props.plan,
      grantee: this.lambdaFunction,
      checkpointBucket: this.checkpointBucket,
    });
    if (props.resultTable !== undefined) {
      this.resultTable = createResultTable(this, {
        resultTable: props.resultTable,
        grantee: this.lambdaFunction,
        removalPolicy,
      });
      this.lambdaFunction.addEnvironment(SparklessEnvironment.RESULT_TABLE, this.resultTable.tableName);
    }

    const deadLetterQueue = this.deadLetterQueue;
    const lambdaFunction = this.lambdaFunction;
    if (source.kind === 'kinesis') {
      const kinesisSource = wireKinesisSource(this, {
        props,
        lambdaFunction,
        deadLetterQueue,
        removalPolicy,
        failurePolicy: this.failurePolicy,
      });
      this.stream = kinesisSource.stream;
      this.eventSource = kinesisSource.eventSource;
    } else if (source.kind === 'text-files') {
      this.inputPrefix = source.prefix;
      this.inputBucket = wireTextFilesSource(this, {
        props,
        prefix: source.prefix,
        lambdaFunction,
        deadLetterQueue,
        removalPolicy,
      });
    }

    this.alarms = createPipelineAlarms(this, {
      lambdaFunction,
      deadLetterQueue,
      pipelineName: props.plan.name,
      sourceKind: source.kind,
      failurePolicy: this.failurePolicy,
      ...(source.kind === 'kinesis'
        ? { iteratorAgeThreshold: props.iteratorAgeAlarmThreshold ?? defaults.ITERATOR_AGE_ALARM_THRESHOLD }
        : {}),
    });
    this.alarmTopic = createAlarmTopic(this, {
      pipelineName: props.plan.name,
      removalPolicy,
      ...(props.alarmTopic === undefined ? {} : { topic: props.alarmTopic }),
      ...(props.alarmEmail === undefined ? {} : { email: props.alarmEmail }),
    });
    notifyOnAlarmAndOk(allAlarms(this.alarms), this.alarmTopic);
    this.suppressAcceptedNagFindings(props, role);
    this.dashboard = createPipelineDashboard(this, {
      pipelineName: props.plan.name,
      lambdaFunction,
      alarms: this.alarms,
      ...(this.stream === undefined ? {} : { stream: this.stream }),
    });

    if (props.plan.needsWindowTrigger) {
      this.windowTrigger = createWindowTrigger(this, {
        lambdaFunction: this.lambdaFunction,
        interval: props.windowTriggerInterval ?? defaults.WINDOW_TRIGGER_INTERVAL,
        pipelineName: props.plan.name,
      });
    } else {
      const windowProps = (['windowTriggerInterval', 'windowIdleTimeout'] as const).filter(
        (prop) => props[prop] !== undefined,
      );
      if (windowProps.length > 0) {
        Annotations.of(this).addWarningV2(
          'sparkless:windowPropsWithoutWindows',
          `${windowProps.join(' and ')} ${windowProps.length === 1 ? 'has' : 'have'} no effect: plan ${props.plan.name} has no ` +
            'append-mode windows and no mapWithState timeouts (plan.needsWindowTrigger is false; update- and complete-mode windows emit with their batches). Remove them, or add an append-mode windowed operator to the pipeline.',
        );
      }
    }
  }

  /** Justified cdk-nag suppressions for the findings the pipeline accepts on purpose (see {@link NagReason}). */
  private suppressAcceptedNagFindings(props: StreamingPipelineProps, role: iam.Role): void {
    suppressNagFindings(this.lambdaFunction, [{ id: 'AwsSolutions-L1', reason: NagReason.RUNTIME }]);
    suppressNagFindings(this.deadLetterQueue, [
      { id: 'AwsSolutions-SQS3', reason: NagReason.DEAD_LETTER_QUEUE },
    ]);
    const policy = role.node.tryFindChild('DefaultPolicy') ?? role;
    if (props.checkpointBucket === undefined) {
      suppressNagFindings(this.checkpointBucket, [
        { id: 'AwsSolutions-S1', reason: NagReason.SERVER_ACCESS_LOGS },
      ]);
      const ownObjects = bucketObjectsFinding(this.checkpointBucket, '*');
      if (ownObjects !== undefined) {
        suppressNagFindings(policy, [
          { id: 'AwsSolutions-IAM5', reason: NagReason.OBJECTS_IN_OWN_BUCKET, appliesTo: [ownObjects] },
        ]);
      }
    }
    if (this.inputBucket === undefined || this.inputPrefix === undefined) return;
    suppressBucketNotificationsHandlerFindings(this);
    if ('inputBucket' in props && props.inputBucket !== undefined) return;
    suppressNagFindings(this.inputBucket, [{ id: 'AwsSolutions-S1', reason: NagReason.SERVER_ACCESS_LOGS }]);
    const inputObjects = bucketObjectsFinding(this.inputBucket, `${this.inputPrefix}*`);
    if (inputObjects !== undefined) {
      suppressNagFindings(policy, [
        { id: 'AwsSolutions-IAM5', reason: NagReason.OBJECTS_UNDER_INPUT_PREFIX, appliesTo: [inputObjects] },
      ]);
    }
  }
}
