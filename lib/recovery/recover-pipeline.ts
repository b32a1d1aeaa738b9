import type { KinesisClient } from '@aws-sdk/client-kinesis';
import type { SQSClient } from '@aws-sdk/client-sqs';
import type { S3Event } from 'aws-lambda';
import { InvalidConfigurationError, type Pipeline, SourceKind } from '../core';
import { createRuntimeLoader, createS3Handler, EnvVar, type HandlerClients } from '../handlers';
import type { MetricsSink } from '../metrics';
import { S3ObjectStore } from '../storage';
import {
  ObjectStoreOnFailureDestination,
  type OnFailureDestination,
  SqsOnFailureDestination,
} from './on-failure-destination';
import { type RecoveryReport, recoverDiscarded } from './recover';
import { KinesisStreamRangeReader } from './stream-range-reader';

/** Where a pipeline's on-failure records are. */
export type OnFailureLocation =
  | { readonly kind: 'sqs'; readonly queueUrl: string }
  | { readonly kind: 's3'; readonly bucket: string; readonly prefix: string };

/** A deployed pipeline's storage, as its function's environment names it. */
export interface PipelineLocation {
  readonly stateTable: string;
  readonly checkpointBucket: string;
  /** The state namespace (`SPARKLESS_STATE_NAMESPACE`). */
  readonly namespace: string;
  readonly onFailure: OnFailureLocation;
}

/** Options of {@link recoverPipeline}. */
export interface RecoverPipelineOptions {
  readonly pipeline: Pipeline;
  readonly location: PipelineLocation;
  /** DynamoDB and S3 clients, plus Kinesis for a Kinesis pipeline and SQS for a queue destination. */
  readonly clients: HandlerClients & { readonly kinesis?: KinesisClient; readonly sqs?: SQSClient };
  /** Progress lines. @default none */
  readonly log?: (line: string) => void;
  /** Where `print` blocks of recovered batches go. @default process.stdout */
  readonly print?: (block: string) => void;
  /** Metrics of recovered batches. @default EMF lines on stdout */
  readonly metrics?: MetricsSink;
}

/**
 * `sparkless recover <pipeline>`: wires {@link recoverDiscarded} the way the pipeline's handler is
 * wired (same executor, state table, checkpoint bucket and namespace; the metadata checkpoint is
 * checked against the plan first, so an incompatible plan is refused here too) and reads the
 * on-failure records from the queue or the S3 prefix.
 *
 * @throws {@link InvalidConfigurationError} when a client the source or destination needs is missing
 */
export async function recoverPipeline(options: RecoverPipelineOptions): Promise<RecoveryReport> {
  const { pipeline, location, clients } = options;
  const handlerOptions = {
    clients: { dynamodb: clients.dynamodb, s3: clients.s3 },
    environment: {
      [EnvVar.pipeline]: pipeline.name,
      [EnvVar.stateTable]: location.stateTable,
      [EnvVar.checkpointBucket]: location.checkpointBucket,
      [EnvVar.stateNamespace]: location.namespace,
      [EnvVar.codeVersion]: 'sparkless-recover',
    },
    ...(options.print === undefined ? {} : { print: options.print }),
    ...(options.metrics === undefined ? {} : { metrics: options.metrics }),
  };
  const kinesis = pipeline.sourceDescriptor.kind === SourceKind.Kinesis;
  if (kinesis && clients.kinesis === undefined) {
    throw new InvalidConfigurationError('recovering a Kinesis pipeline needs a Kinesis client');
  }
  const runtime = await createRuntimeLoader(pipeline, handlerOptions)();
  const s3Handler = kinesis ? undefined : createS3Handler(pipeline, handlerOptions);
  return recoverDiscarded({
    pipeline,
    executor: runtime.executor,
    ledger: runtime.ledger,
    writeAheadLog: runtime.writeAheadLog,
    destination: destinationAt(location.onFailure, clients),
    ...(clients.kinesis === undefined
      ? {}
      : { streams: new KinesisStreamRangeReader({ client: clients.kinesis }) }),
    ...(s3Handler === undefined ? {} : { s3Events: (event: S3Event) => s3Handler(event) }),
    ...(options.log === undefined ? {} : { log: options.log }),
  });
}

function destinationAt(
  location: OnFailureLocation,
  clients: RecoverPipelineOptions['clients'],
): OnFailureDestination {
  if (location.kind === 's3') {
    return new ObjectStoreOnFailureDestination(
      new S3ObjectStore({ client: clients.s3, bucket: location.bucket }),
      location.prefix,
      `s3://${location.bucket}/${location.prefix}`,
    );
  }
  if (clients.sqs === undefined) {
    throw new InvalidConfigurationError('reading the on-failure queue needs an SQS client');
  }
  return new SqsOnFailureDestination({ client: clients.sqs, queueUrl: location.queueUrl });
}
