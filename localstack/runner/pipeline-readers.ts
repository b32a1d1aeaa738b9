import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { S3Client } from '@aws-sdk/client-s3';
import type { PipelineLocation as StorageLocation } from '../../lib/recovery';
import type { DeadLetterEntry } from '../../lib/sinks';
import { DynamoDbKeyedStateStore } from '../../lib/state';
import { getJson, S3ObjectStore } from '../../lib/storage';

/** Reads what a locally deployed pipeline wrote: state, dead letters, on-failure records. */
export interface PipelineReaders {
  /** Every live state of a stateful operator, keyed by decoded key. */
  readState(operatorId: string): Promise<Map<unknown, unknown>>;
  /** Every dead-letter entry of the pipeline's namespace. */
  readDeadLetters(): Promise<DeadLetterEntry[]>;
  /** Lambda on-failure destination records the local runner wrote. */
  readOnFailureRecords(): Promise<unknown[]>;
}

/** Where a locally deployed pipeline keeps its data. */
export interface PipelineLocation {
  /** The DynamoDB client of the local stack. */
  readonly dynamodb: DynamoDBClient;
  /** The S3 client of the local stack. */
  readonly s3: S3Client;
  /** The state table. */
  readonly tableName: string;
  /** The checkpoint bucket. */
  readonly bucket: string;
  /** The pipeline's state namespace. */
  readonly namespace: string;
}

/** Names a local deployment uses unless told otherwise (`deployLocalPipeline`, `deployLocalTextFilePipeline`, `sparkless --endpoint`). */
export const LocalPipelineDefaults = {
  STATE_TABLE: 'sparkless-state',
  CHECKPOINT_BUCKET: 'sparkless-checkpoints',
} as const;

/** The on-failure records' prefix in the checkpoint bucket (Lambda's S3 destination, locally). */
export function onFailurePrefix(namespace: string): string {
  return `on-failure/${namespace}/`;
}

/** What `sparkless recover` needs of a local deployment: its table, bucket, namespace and on-failure prefix. */
export function localPipelineLocation(location: Omit<StorageLocation, 'onFailure'>): StorageLocation {
  return {
    ...location,
    onFailure: { kind: 's3', bucket: location.checkpointBucket, prefix: onFailurePrefix(location.namespace) },
  };
}

/** Readers for a pipeline deployed at `location`. */
export function createPipelineReaders(location: PipelineLocation): PipelineReaders {
  const { namespace } = location;
  const objects = new S3ObjectStore({ client: location.s3, bucket: location.bucket });
  const state = new DynamoDbKeyedStateStore({
    client: location.dynamodb,
    tableName: location.tableName,
    namespace,
    largeStates: objects,
  });
  return {
    readState: async (operatorId) =>
      new Map([...(await state.scan(operatorId))].map(([keyId, value]) => [JSON.parse(keyId), value])),
    readDeadLetters: async () => readAll<DeadLetterEntry>(objects, `dead-letter/${namespace}/`),
    readOnFailureRecords: async () => readAll<unknown>(objects, onFailurePrefix(namespace)),
  };
}

async function readAll<T>(objects: S3ObjectStore, prefix: string): Promise<T[]> {
  const keys = await objects.list(prefix);
  const entries = await Promise.all(keys.map((key) => getJson<T>(objects, key)));
  return entries.filter((entry): entry is Awaited<T> & T => entry !== undefined);
}
