import { PutObjectCommand } from '@aws-sdk/client-s3';
import { InvalidConfigurationError, type Pipeline, SourceKind } from '../../lib/core';
import { createS3Handler, type S3Handler, WINDOW_TICK } from '../../lib/handlers';
import type { MetricsSink } from '../../lib/metrics';
import type { PipelineLocation } from '../../lib/recovery';
import { decodeS3EventKey, normalizeETag, objectPartition } from '../../lib/sources/s3-files';
import type { AwsClients } from '../clients';
import { ensureBucket, ensureStateTable } from '../setup/state-table';
import { localHandlerOptions, localRunnerClients } from './handler-options';
import {
  createPipelineReaders,
  LocalPipelineDefaults,
  localPipelineLocation,
  onFailurePrefix,
  type PipelineReaders,
} from './pipeline-readers';
import { S3PrefixPoller, type S3PrefixPollerProps } from './s3-prefix-poller';

/** Options of {@link deployLocalTextFilePipeline}. */
export interface LocalTextFilePipelineOptions {
  /** The local stack endpoint (embedded stack or LocalStack). */
  readonly endpoint: string;
  /** The region. @default 'us-east-1' */
  readonly region?: string;
  /** The pipeline to run; it must read text files (`fromTextFiles({ prefix })`). */
  readonly pipeline: Pipeline;
  /**
   * The bucket the pipeline reads new files from; must differ from {@link bucket}.
   *
   * @default 'sparkless-input'
   */
  readonly inputBucket?: string;
  /** The state table (state, ledger). @default 'sparkless-state' */
  readonly tableName?: string;
  /**
   * The checkpoint bucket (checkpoints, write-ahead log, dead letters, on-failure records).
   *
   * @default 'sparkless-checkpoints'
   */
  readonly bucket?: string;
  /** The state namespace. @default the pipeline name */
  readonly namespace?: string;
  /** Where `print` blocks go. @default process.stdout */
  readonly print?: (block: string) => void;
  /** Per-batch metrics. @default none */
  readonly metrics?: MetricsSink;
  /**
   * More environment for the handler (e.g. `SPARKLESS_WINDOW_IDLE_TIMEOUT_MS`).
   *
   * @default none
   */
  readonly environment?: Readonly<Record<string, string>>;
  /**
   * Lines per batch (one `processPartition` call per batch of a file).
   *
   * @default 5000
   */
  readonly linesPerBatch?: number;
  /**
   * Poller settings that differ from the defaults.
   *
   * @default list every second, remember seen versions in memory, announce existing files, 2 retries
   */
  readonly poller?: Partial<
    Pick<
      S3PrefixPollerProps,
      | 'intervalMs'
      | 'pageSize'
      | 'seenFile'
      | 'newFilesOnly'
      | 'maximumRetryAttempts'
      | 'retryDelayMs'
      | 'onError'
    >
  >;
}

/** What {@link LocalTextFilePipeline.upload} stored. */
export interface UploadedFile {
  /** The full object key (prefix + name). */
  readonly key: string;
  /** The ETag, without quotes. */
  readonly eTag: string;
  /** The partition id the pipeline processes this version under. */
  readonly partition: string;
}

/** A text-file pipeline deployed on a local stack: its input bucket, handler and prefix poller. */
export interface LocalTextFilePipeline extends PipelineReaders {
  /** The AWS clients of the local stack. */
  readonly clients: AwsClients;
  /** The input bucket. */
  readonly inputBucket: string;
  /** The watched prefix (the pipeline's). */
  readonly prefix: string;
  /** The real Lambda handler. */
  readonly handler: S3Handler;
  /** The directory monitor that invokes the handler (call `pollOnce()`, or `start()` / `stop()`). */
  readonly poller: S3PrefixPoller;
  /** Where the pipeline keeps its data and its on-failure records (what `sparkless recover` reads). */
  readonly location: PipelineLocation;
  /** Uploads a file under the pipeline's prefix (`name` is relative to it). */
  upload(name: string, body: string | Uint8Array): Promise<UploadedFile>;
  /** Invokes the handler with the scheduled window trigger (the construct's EventBridge rule does on AWS). */
  tick(): Promise<void>;
}

/**
 * Deploys a text-file pipeline on a local stack the way the CDK stack deploys it on AWS: input
 * bucket, state table and checkpoint bucket (created if missing), the real Lambda handler built by
 * `createS3Handler`, and, in place of S3 event notifications (which the embedded S3 lacks), an
 * {@link S3PrefixPoller} that announces each new object version under the prefix, retries failed
 * invocations as Lambda does, and writes on-failure records to `on-failure/<namespace>/` in the
 * checkpoint bucket.
 *
 * @example
 * const local = await deployLocalTextFilePipeline({ endpoint: stack.endpoint, pipeline: fileStreamWordCount });
 * await local.upload('hamlet.txt', 'to be or not to be\n');
 * await local.poller.pollOnce();
 */
export async function deployLocalTextFilePipeline(
  options: LocalTextFilePipelineOptions,
): Promise<LocalTextFilePipeline> {
  const source = options.pipeline.sourceDescriptor;
  if (source.kind !== SourceKind.TextFiles) {
    throw new InvalidConfigurationError(
      `pipeline "${options.pipeline.name}" reads from ${source.kind}, not text files: deploy it with deployLocalPipeline`,
    );
  }
  const region = options.region ?? 'us-east-1';
  const clients = localRunnerClients(options.endpoint, region);
  const inputBucket = options.inputBucket ?? 'sparkless-input';
  const tableName = options.tableName ?? LocalPipelineDefaults.STATE_TABLE;
  const bucket = options.bucket ?? LocalPipelineDefaults.CHECKPOINT_BUCKET;
  const namespace = options.namespace ?? options.pipeline.name;
  if (inputBucket === bucket) {
    throw new InvalidConfigurationError(
      `inputBucket and bucket are both ${JSON.stringify(bucket)}: the pipeline writes its write-ahead log to the checkpoint bucket, so read input from another bucket`,
    );
  }
  await Promise.all([
    ensureStateTable(clients.dynamodb, tableName),
    ensureBucket(clients.s3, bucket),
    ensureBucket(clients.s3, inputBucket),
  ]);
  const functionName = `sparkless-${options.pipeline.name}`;
  const handler = createS3Handler(options.pipeline, {
    ...localHandlerOptions({ ...options, clients, tableName, bucket, namespace }),
    ...(options.linesPerBatch === undefined ? {} : { linesPerBatch: options.linesPerBatch }),
  });
  const poller = new S3PrefixPoller({
    ...options.poller,
    s3: clients.s3,
    bucket: inputBucket,
    prefix: source.prefix,
    handler,
    region,
    functionName,
    onFailure: async (failure) => {
      const object = failure.requestPayload.Records[0]?.s3.object;
      const name =
        object === undefined
          ? failure.requestContext.requestId
          : objectPartition(decodeS3EventKey(object.key), object.eTag);
      await clients.s3.send(
        new PutObjectCommand({
          Bucket: bucket,
          Key: `${onFailurePrefix(namespace)}${name}.json`,
          Body: JSON.stringify(failure),
          ContentType: 'application/json',
        }),
      );
    },
  });
  return {
    clients,
    inputBucket,
    prefix: source.prefix,
    handler,
    poller,
    location: localPipelineLocation({ stateTable: tableName, checkpointBucket: bucket, namespace }),
    upload: async (name, body) => {
      const key = `${source.prefix}${name}`;
      const response = await clients.s3.send(
        new PutObjectCommand({ Bucket: inputBucket, Key: key, Body: body }),
      );
      const eTag = normalizeETag(response.ETag ?? '');
      return { key, eTag, partition: objectPartition(key, eTag) };
    },
    tick: async () => void (await handler(WINDOW_TICK)),
    ...createPipelineReaders({ dynamodb: clients.dynamodb, s3: clients.s3, tableName, bucket, namespace }),
  };
}
