import { PutObjectCommand } from '@aws-sdk/client-s3';
import { describeError, type Pipeline } from '../../lib/core';
import { createKinesisHandler, type KinesisHandler, WINDOW_TICK } from '../../lib/handlers';
import { FailurePolicy } from '../../cdk/streaming-pipeline/failure-policy';
import type { MetricsSink } from '../../lib/metrics';
import { kinesisPartitionId } from '../../lib/sources';
import type { PipelineLocation } from '../../lib/recovery';
import type { AwsClients, AwsClientsConfig } from '../clients';
import {
  type JsonFileCheckpointStore,
  KinesisEventSourceMapping,
  type KinesisEventSourceMappingProps,
} from '../event-source-mapping';
import { ensureBucket, ensureStateTable } from '../setup/state-table';
import { ensureStream, type ProducedRecord, putRecords } from '../setup/stream';
import { localHandlerOptions, localRunnerClients } from './handler-options';
import {
  createPipelineReaders,
  LocalPipelineDefaults,
  localPipelineLocation,
  onFailurePrefix,
  type PipelineReaders,
} from './pipeline-readers';

/** Options of {@link deployLocalPipeline}. */
export interface LocalPipelineOptions {
  /** The local stack endpoint (embedded stack or LocalStack). */
  readonly endpoint: string;
  /** @default 'us-east-1' */
  readonly region?: string;
  /** The pipeline to run. */
  readonly pipeline: Pipeline;
  /** @default `sparkless-<pipeline name>` */
  readonly streamName?: string;
  /** @default 1 */
  readonly shards?: number;
  /** @default 'sparkless-state' */
  readonly tableName?: string;
  /** @default 'sparkless-checkpoints' */
  readonly bucket?: string;
  /** @default the pipeline name */
  readonly namespace?: string;
  /** Where `print` blocks go. @default process.stdout */
  readonly print?: (block: string) => void;
  /** Per-batch metrics. @default none */
  readonly metrics?: MetricsSink;
  /** Where the event source mapping keeps its shard checkpoints. @default in memory */
  readonly checkpointStore?: JsonFileCheckpointStore;
  /**
   * More environment for the handler (e.g. `SPARKLESS_WINDOW_IDLE_TIMEOUT_MS`).
   *
   * @default none
   */
  readonly environment?: Readonly<Record<string, string>>;
  /**
   * What the mapping does with a batch that keeps failing, as the construct's `failurePolicy`:
   * retry until it succeeds, or retry `retryAttempts` times and write its pointer to the on-failure
   * prefix (then `sparkless recover`).
   *
   * @default FailurePolicy.BlockUntilFixed
   */
  readonly failurePolicy?: FailurePolicy;
  /**
   * Retries before a batch is discarded, under `FailurePolicy.DiscardAndRecover`.
   *
   * @default 10 (the construct's default)
   */
  readonly retryAttempts?: number;
  /**
   * Wraps the handler the mapping invokes: deploy other code behind the same mapping (e.g. a new
   * plan, then a roll back), as updating a Lambda function's code keeps its mapping.
   *
   * @default the pipeline's handler, unwrapped
   */
  readonly wrapHandler?: (handler: KinesisHandler) => KinesisHandler;
  /**
   * SDK retry settings of the handler's and the mapping's clients. Tests scale them down so that an outage
   * fails each call in milliseconds rather than seconds.
   *
   * @default HANDLER_SDK_RETRY (the deployed handler's: 8 attempts, adaptive)
   */
  readonly sdkRetry?: AwsClientsConfig['retry'];
  /** Event source mapping settings that differ from the deployed defaults. @default the CDK construct's settings */
  readonly mapping?: Partial<
    Pick<
      KinesisEventSourceMappingProps,
      | 'batchSize'
      | 'maximumBatchingWindowInSeconds'
      | 'pollIntervalMs'
      | 'retryBackoffInitialMs'
      | 'retryBackoffMaxMs'
      | 'onError'
    >
  >;
}

/** A pipeline deployed on a local stack: its stream, handler and event source mapping. */
export interface LocalPipeline extends PipelineReaders {
  readonly clients: AwsClients;
  readonly streamName: string;
  readonly handler: KinesisHandler;
  readonly mapping: KinesisEventSourceMapping;
  /** Where the pipeline keeps its data and its on-failure records (what `sparkless recover` reads). */
  readonly location: PipelineLocation;
  /** Puts records into the stream, in order. */
  produce(records: readonly ProducedRecord[]): Promise<void>;
  /** Invokes the handler with the scheduled window trigger (the construct's EventBridge rule does on AWS). */
  tick(): Promise<void>;
}

/**
 * Deploys a pipeline on a local stack the way the CDK stack deploys it on AWS: stream, state
 * table and checkpoint bucket (created if missing), the real Lambda handler built by
 * `createKinesisHandler`, and a Kinesis event source mapping with the construct's settings
 * (bisect on error, ReportBatchItemFailures, the failure policy's retries, an on-failure
 * destination (here an S3 prefix, as Lambda's S3 destination does)).
 */
export async function deployLocalPipeline(options: LocalPipelineOptions): Promise<LocalPipeline> {
  const region = options.region ?? 'us-east-1';
  const clients = localRunnerClients(options.endpoint, region, options.sdkRetry);
  const streamName = options.streamName ?? `sparkless-${options.pipeline.name}`;
  const tableName = options.tableName ?? LocalPipelineDefaults.STATE_TABLE;
  const bucket = options.bucket ?? LocalPipelineDefaults.CHECKPOINT_BUCKET;
  const namespace = options.namespace ?? options.pipeline.name;
  const [streamArn] = await Promise.all([
    ensureStream(clients.kinesis, streamName, options.shards ?? 1),
    ensureStateTable(clients.dynamodb, tableName),
    ensureBucket(clients.s3, bucket),
  ]);
  const handler = createKinesisHandler(
    options.pipeline,
    localHandlerOptions({ ...options, clients, tableName, bucket, namespace }),
  );
  const mapping = new KinesisEventSourceMapping({
    kinesis: clients.kinesis,
    streamName,
    streamArn,
    region,
    handler: options.wrapHandler === undefined ? handler : options.wrapHandler(handler),
    functionName: `sparkless-${options.pipeline.name}`,
    batchSize: options.mapping?.batchSize ?? 100,
    maximumBatchingWindowInSeconds: options.mapping?.maximumBatchingWindowInSeconds ?? 0,
    startingPosition: 'TRIM_HORIZON',
    bisectBatchOnFunctionError: true,
    ...((options.failurePolicy ?? FailurePolicy.BlockUntilFixed) === FailurePolicy.BlockUntilFixed
      ? { maximumRetryAttempts: -1, maximumRecordAgeInSeconds: -1 }
      : {
          maximumRetryAttempts: options.retryAttempts ?? 10,
          maximumRecordAgeInSeconds: 86_400,
        }),
    reportBatchItemFailures: true,
    functionTimeoutMs: 60_000,
    pollIntervalMs: options.mapping?.pollIntervalMs ?? 100,
    ...(options.mapping?.retryBackoffInitialMs === undefined
      ? {}
      : { retryBackoffInitialMs: options.mapping.retryBackoffInitialMs }),
    ...(options.mapping?.retryBackoffMaxMs === undefined
      ? {}
      : { retryBackoffMaxMs: options.mapping.retryBackoffMaxMs }),
    onError:
      options.mapping?.onError ??
      ((error: unknown) => console.error(`event source mapping: ${describeError(error)}`)),
    ...(options.checkpointStore === undefined ? {} : { checkpointStore: options.checkpointStore }),
    onFailure: async (record) => {
      const { streamArn, shardId, startSequenceNumber } = record.KinesisBatchInfo;
      const key = `${onFailurePrefix(namespace)}${kinesisPartitionId(streamArn, shardId)}/${startSequenceNumber}.json`;
      await clients.s3.send(
        new PutObjectCommand({
          Bucket: bucket,
          Key: key,
          Body: JSON.stringify(record),
          ContentType: 'application/json',
        }),
      );
    },
  });
  return {
    clients,
    streamName,
    handler,
    mapping,
    location: localPipelineLocation({ stateTable: tableName, checkpointBucket: bucket, namespace }),
    produce: (records) => putRecords(clients.kinesis, streamName, records),
    tick: async () => void (await handler(WINDOW_TICK)),
    ...createPipelineReaders({ dynamodb: clients.dynamodb, s3: clients.s3, tableName, bucket, namespace }),
  };
}
