import type { Duration, RemovalPolicy } from 'aws-cdk-lib';
import type * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import type * as kinesis from 'aws-cdk-lib/aws-kinesis';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import type * as nodejs from 'aws-cdk-lib/aws-lambda-nodejs';
import type * as logs from 'aws-cdk-lib/aws-logs';
import type * as s3 from 'aws-cdk-lib/aws-s3';
import type * as sns from 'aws-cdk-lib/aws-sns';
import type { PipelinePlan } from '../../lib/core/plan/types';
import type { FailurePolicy } from './failure-policy';

/**
 * Props of the pipeline's function, state and operations, independent of the source.
 */
export interface StreamingPipelineBaseProps {
  /**
   * The pipeline's plan (`pipeline.plan`): its name names the function's `SPARKLESS_PIPELINE`
   * and the default state namespace; its source selects a Kinesis stream or an input bucket;
   * `needsWindowTrigger` adds the scheduled window trigger; its `references` and
   * `textFilePrefixes` outside the pipeline's bucket get read (`s3:GetObject`, `dynamodb:Scan`)
   * and write (`s3:PutObject`) grants on exactly those objects, prefixes and tables. Buckets or
   * tables encrypted with a customer-managed KMS key need a key grant of their own
   * (`pipeline.lambdaFunction`).
   */
  readonly plan: PipelinePlan;

  /**
   * Path of the TypeScript or JavaScript file that exports the Lambda handler for this pipeline.
   * It is bundled locally with esbuild (no Docker).
   */
  readonly entry: string;

  /**
   * Name of the exported handler function in {@link entry}.
   *
   * @default 'handler'
   */
  readonly handler?: string;

  /**
   * Prefix that isolates this pipeline's state in the table and the bucket. Change it to start a
   * stateful plan from empty state next to the old one (see the metadata checkpoint's plan check).
   *
   * @default - the plan name (`plan.name`)
   */
  readonly stateNamespace?: string;

  /**
   * A version label of the deployed code (e.g. a git SHA), passed as `SPARKLESS_CODE_VERSION`
   * and recorded in the metadata checkpoint.
   *
   * @default - `SPARKLESS_CODE_VERSION` is not set
   */
  readonly codeVersion?: string;

  /**
   * The function's memory, in MiB (128 to 10240). CPU grows with memory.
   *
   * @default 1024
   */
  readonly memorySize?: number;

  /**
   * The function's timeout (1 second to 15 minutes). A batch that times out is retried by Lambda;
   * the write-ahead log makes the retry replay it exactly once. A text-file invocation reads whole
   * objects, so its default is longer; a file that does not fit resumes after its committed lines
   * on the retry.
   *
   * @default Duration.minutes(1) for a Kinesis pipeline, Duration.minutes(5) for a text-file pipeline
   */
  readonly timeout?: Duration;

  /**
   * The Lambda runtime; must be a Node.js runtime.
   *
   * @default lambda.Runtime.NODEJS_22_X
   */
  readonly runtime?: lambda.Runtime;

  /**
   * Extra environment variables for the function. The `SPARKLESS_*` variables the construct sets
   * are reserved and refused here.
   *
   * @default - only the construct's own variables
   */
  readonly environment?: Readonly<Record<string, string>>;

  /**
   * Bundling options merged over the construct's defaults (local esbuild, no Docker, minified,
   * source maps, AWS SDK bundled so the deployed code runs the SDK versions it was tested with).
   *
   * @default - `{ forceDockerBundling: false, minify: true, sourceMap: true, sourcesContent: false, bundleAwsSDK: true }`
   */
  readonly bundling?: nodejs.BundlingOptions;

  /**
   * The lock file that marks the project root for bundling.
   *
   * @default - the first lock file found walking up from the current working directory
   */
  readonly depsLockFilePath?: string;

  /**
   * How long the function's log group keeps its logs.
   *
   * @default logs.RetentionDays.ONE_MONTH
   */
  readonly logRetention?: logs.RetentionDays;

  /**
   * The SNS topic every alarm of the pipeline notifies, on ALARM and on OK. A topic encrypted with a
   * KMS key must let `cloudwatch.amazonaws.com` use the key (`kms:Decrypt`, `kms:GenerateDataKey*`).
   *
   * @default a topic per pipeline, encrypted with a customer-managed key (with rotation) that
   *   CloudWatch may use, and SSL-only
   */
  readonly alarmTopic?: sns.ITopic;

  /**
   * An email address subscribed to the alarm topic (created or given). AWS sends it a confirmation
   * message first.
   *
   * @default no subscription
   */
  readonly alarmEmail?: string;

  /**
   * An existing table for state, offsets and the batch ledger. It must have partition key `pk` (S),
   * sort key `sk` (S) and TTL on `expiresAt`.
   *
   * @default - a new on-demand table with point-in-time recovery, encryption and TTL on `expiresAt`
   */
  readonly stateTable?: dynamodb.ITable;

  /**
   * An existing bucket for metadata checkpoints, the write-ahead log (`wal/`) and dead letters
   * (`dead-letter/`). Give it a lifecycle rule that expires `wal/`.
   *
   * @default - a new encrypted, versioned, private bucket that enforces SSL and expires `wal/`
   */
  readonly checkpointBucket?: s3.IBucket;

  /**
   * What happens to the resources this construct creates and that hold data (state table,
   * checkpoint bucket, stream or input bucket, dead-letter queue, log group) when they leave the stack. With
   * `DESTROY` the bucket must be empty before deletion. None of these resources supports `SNAPSHOT`,
   * which is treated as `RETAIN`.
   *
   * @default RemovalPolicy.RETAIN
   */
  readonly removalPolicy?: RemovalPolicy;

  /**
   * What happens to a batch (Kinesis) or an S3 event (text files) that keeps failing: see
   * {@link FailurePolicy}. `BlockUntilFixed` retries a failed batch until it succeeds or its records
   * expire from the stream, never skipping it, while the `failedBatches` and iterator-age alarms fire;
   * `DiscardAndRecover` retries `retryAttempts` times (or until `maxRecordAge`), then sends the batch's
   * pointer to the on-failure queue and moves on, and `npx sparkless recover <pipeline>` processes each
   * discarded range exactly once later. Text-file pipelines are invoked asynchronously by S3, which
   * Lambda retries at most twice: they only support `DiscardAndRecover`.
   *
   * @default FailurePolicy.BlockUntilFixed for a Kinesis pipeline (with or without state: a failed
   *   batch is never skipped by default); FailurePolicy.DiscardAndRecover for a text-file pipeline
   */
  readonly failurePolicy?: FailurePolicy;

  /**
   * How long the write-ahead log (`wal/` in the checkpoint bucket) is kept, in whole days. It must
   * outlive any retry of a batch, so it must be at least the stream's retention: a batch blocked under
   * `FailurePolicy.BlockUntilFixed` is retried for that long, and `sparkless recover` reads the main
   * partition's logged claims to tell which records of a discarded range were already processed.
   * Only applies to a bucket this construct creates.
   *
   * @default Duration.days(7)
   */
  readonly writeAheadLogRetention?: Duration;

  /**
   * How often the scheduled window trigger invokes the function with `{ "sparkless": "tick" }` so
   * windows fire on idle streams. Only used when `plan.needsWindowTrigger` is true. EventBridge
   * schedules fire at most once a minute, so this must be a whole number of minutes, at least one:
   * a window closes at most this long after the watermark passes its end on an idle stream.
   *
   * @default Duration.minutes(1)
   */
  readonly windowTriggerInterval?: Duration;

  /**
   * How long a partition (shard) without new records keeps counting for the watermark. The watermark
   * is the minimum event time over active partitions, so an idle shard would hold every window back;
   * past this timeout it no longer does. Passed as `SPARKLESS_WINDOW_IDLE_TIMEOUT_MS`; between one
   * second and one day, a whole number of milliseconds. Only meaningful when `plan.needsWindowTrigger`
   * is true (a warning is added otherwise). Shorter fires windows sooner on quiet streams, at the risk
   * of counting a slow shard's records as late.
   *
   * @default - `SPARKLESS_WINDOW_IDLE_TIMEOUT_MS` is not set: the handler's default, one minute
   */
  readonly windowIdleTimeout?: Duration;

  /**
   * The DynamoDB table the pipeline's `foreachBatch` code writes its results into (the seeds'
   * `resultTable()` sink, Spark's "save to a database"): the key schema of a new table, or an
   * existing table. Its name is passed as `SPARKLESS_RESULT_TABLE`, and the function may only put
   * items into it (`dynamodb:PutItem`: the sink's conditional, versioned puts; no reads, no deletes).
   * An existing table's KMS key, if it has one in CDK, is granted encrypt/decrypt too. It must not
   * be the state table.
   *
   * @example
   * resultTable: { partitionKey: { name: 'word', type: dynamodb.AttributeType.STRING } }
   *
   * @default - no result table; `SPARKLESS_RESULT_TABLE` is not set
   */
  readonly resultTable?: ResultTableProps | dynamodb.ITable;
}

/**
 * The key schema of a result table the construct creates: on demand, point-in-time recovery,
 * AWS-managed encryption, and the construct's `removalPolicy`.
 */
export interface ResultTableProps {
  /** The partition key: the attribute name and type the pipeline's rows use as `key`. */
  readonly partitionKey: dynamodb.Attribute;

  /**
   * The sort key, when a row's `key` has two attributes.
   *
   * @default - no sort key
   */
  readonly sortKey?: dynamodb.Attribute;
}

/**
 * Props of the Kinesis source: the stream and its event source mapping.
 *
 * The mapping always bisects failed batches, reports batch item failures and sends discarded
 * batches to an encrypted SQS dead-letter queue. Lambda's tumbling windows (`tumblingWindow`) are
 * not offered: Sparkless keeps window state itself, exactly once, in the state table.
 */
export interface KinesisSourceProps {
  /**
   * An existing stream to read. Mutually exclusive with {@link streamProps}.
   *
   * @default - a new stream is created from {@link streamProps}
   */
  readonly stream?: kinesis.IStream;

  /**
   * Props of the new stream. Encryption is always on: `UNENCRYPTED` is refused. Mutually exclusive
   * with {@link stream}.
   *
   * @default - one provisioned shard, AWS-managed encryption (`alias/aws/kinesis`), 7 days retention
   *   (how long a batch blocked by a failure can wait for the fix, and how long `sparkless recover`
   *   can re-read a discarded batch)
   *   and the construct's `removalPolicy`
   */
  readonly streamProps?: kinesis.StreamProps;

  /**
   * Where to begin reading the stream on first deployment.
   *
   * @default lambda.StartingPosition.TRIM_HORIZON (every record still in the stream)
   */
  readonly startingPosition?: lambda.StartingPosition;

  /**
   * With `startingPosition` `AT_TIMESTAMP`: the time from which to start reading, in Unix time seconds.
   *
   * @default - no timestamp
   */
  readonly startingPositionTimestamp?: number;

  /**
   * The largest number of records per invocation (1 to 10000).
   *
   * @default 100
   */
  readonly batchSize?: number;

  /**
   * How long Lambda gathers records before invoking the function (at most 5 minutes); the analogue
   * of Spark's batch interval.
   *
   * @default Duration.seconds(1)
   */
  readonly maxBatchingWindow?: Duration;

  /**
   * With `failurePolicy: FailurePolicy.DiscardAndRecover` only: how many times a failed batch is
   * retried (0 to 10000; bisected halves included) before its pointer is sent to the on-failure
   * queue. For infinite retries use the default `FailurePolicy.BlockUntilFixed` instead (given with
   * it, this prop is refused).
   *
   * @default 10 under FailurePolicy.DiscardAndRecover; -1 (until the records expire) under FailurePolicy.BlockUntilFixed
   */
  readonly retryAttempts?: number;

  /**
   * With `failurePolicy: FailurePolicy.DiscardAndRecover` only: records older than this are not
   * retried but their batch's pointer is sent to the on-failure queue (60 seconds to 7 days). Keep it
   * well below the stream's retention: `sparkless recover` can only re-read records the stream still holds.
   *
   * @default Duration.hours(24) under FailurePolicy.DiscardAndRecover; none (the stream's retention) under FailurePolicy.BlockUntilFixed
   */
  readonly maxRecordAge?: Duration;

  /**
   * Batches per shard processed concurrently. Must be 1: exactly-once state updates rely on
   * per-shard order. Add shards to scale out.
   *
   * @default 1
   */
  readonly parallelizationFactor?: number;

  /**
   * The `IteratorAge` (age of the newest record the function has read) above which the lag alarm
   * fires, when it stays above for 3 consecutive minutes.
   *
   * @default Duration.minutes(5)
   */
  readonly iteratorAgeAlarmThreshold?: Duration;
}

/**
 * Props of the text-file source (`pipeline(...).fromTextFiles({ prefix })`, Spark's
 * `textFileStream`): the input bucket, whose `ObjectCreated` notifications under the plan's prefix
 * invoke the function asynchronously, one object per event.
 *
 * Lambda retries a failed invocation up to {@link asyncRetryAttempts} times, then sends the event
 * (the object's key and ETag) to the encrypted SQS dead-letter queue; `npx sparkless recover
 * <pipeline>` processes it again later, exactly once (the ledger per file version skips what was committed). Only objects created after the notification exists
 * are read (Spark's `newFilesOnly`).
 */
export interface TextFilesSourceProps {
  /**
   * An existing bucket to read new text files from. Its notifications under the plan's prefix are
   * added next to any it already has. It must not be the checkpoint bucket.
   *
   * Version it (`versioned: true`): the function then reads the exact version each notification
   * names, so a file overwritten before its notification is processed loses nothing. In an
   * unversioned bucket such a version is dead-lettered instead (synth warns when the bucket is of
   * this app and known to be unversioned).
   *
   * @default - a new bucket: versioned (overwritten versions kept 30 days), S3-managed encryption,
   *   all public access blocked, SSL enforced, incomplete multipart uploads aborted after a day, and
   *   the construct's `removalPolicy`
   */
  readonly inputBucket?: s3.IBucket;

  /**
   * How many times Lambda retries a failed invocation (0 to 2, Lambda's limit for asynchronous
   * invocations) before sending the event to the dead-letter queue. Retries skip the lines the
   * failed attempt committed.
   *
   * @default 2
   */
  readonly asyncRetryAttempts?: number;

  /**
   * How long Lambda keeps an event it could not process yet (throttling, retries) before sending it
   * to the dead-letter queue (60 seconds to 6 hours).
   *
   * @default Duration.hours(6)
   */
  readonly maxEventAge?: Duration;
}

/**
 * Props of {@link StreamingPipeline}: the base props, plus those of the plan's source
 * (`plan.source.kind`): {@link KinesisSourceProps} for `fromKinesis()`, {@link TextFilesSourceProps}
 * for `fromTextFiles()`. Props of the other source are refused at synth.
 */
export interface StreamingPipelineProps
  extends StreamingPipelineBaseProps, KinesisSourceProps, TextFilesSourceProps {}
