import type { S3Client } from '@aws-sdk/client-s3';
import { InvalidConfigurationError, type TextFileSink } from '../../core';
import { type ObjectStore, S3ObjectStore } from '../../storage';
import { TextFileSinkDefaults } from './constants';
import { TextFileWriteError } from './errors';
import { parseTextFilePath } from './text-file-path';

/** Options of {@link ObjectStoreTextFileSink} shared by both ways of reaching the buckets. */
export interface ObjectStoreTextFileSinkBaseOptions {
  /** The bucket of paths that are not `s3://` URLs (usually the pipeline's bucket). */
  readonly defaultBucket: string;
  /**
   * Content type of the written objects.
   *
   * @default 'text/plain; charset=utf-8'
   */
  readonly contentType?: string;
  /**
   * Key prefixes a relative path may not start with.
   *
   * @default `TextFileSinkDefaults.RESERVED_KEY_PREFIXES` (`wal/`, `dead-letter/`, `late-data/`, `checkpoints/`, `on-failure/`)
   */
  readonly reservedKeyPrefixes?: readonly string[];
}

/**
 * Options of {@link ObjectStoreTextFileSink}: the default bucket, and either an S3 client or (for
 * tests) a function giving an {@link ObjectStore} per bucket.
 */
export type ObjectStoreTextFileSinkOptions = ObjectStoreTextFileSinkBaseOptions &
  (
    | {
        /** The S3 client (built once per container); each bucket gets an `S3ObjectStore` on it. */
        readonly client: S3Client;
        readonly objectStoreFor?: never;
      }
    | {
        /** The object store of a bucket, e.g. a `MemoryObjectStore` per bucket in unit tests. */
        readonly objectStoreFor: (bucket: string) => ObjectStore;
        readonly client?: never;
      }
  );

/**
 * The {@link TextFileSink} of `saveAsTextFiles` on S3: `s3://bucket/key` paths go to that bucket,
 * other paths become keys in the default bucket (see {@link parseTextFilePath}). Writes
 * overwrite: the evaluator names files by batch time and partition, and a replayed batch has the
 * same batch time and records, so a retry rewrites the same object with the same text.
 *
 * @example
 * const textFiles = new ObjectStoreTextFileSink({ client: s3, defaultBucket: bucketName });
 * const executor = new BatchExecutor({ ...ports, textFiles });
 */
export class ObjectStoreTextFileSink implements TextFileSink {
  private readonly storeFor: (bucket: string) => ObjectStore;
  private readonly stores = new Map<string, ObjectStore>();
  private readonly defaultBucket: string;
  private readonly contentType: string;
  private readonly reservedKeyPrefixes: readonly string[];

  public constructor(options: ObjectStoreTextFileSinkOptions) {
    if (options.defaultBucket.trim() === '') {
      throw new InvalidConfigurationError('defaultBucket must name a bucket (given "")');
    }
    if (options.objectStoreFor !== undefined) {
      this.storeFor = options.objectStoreFor;
    } else {
      const client = options.client;
      this.storeFor = (bucket) => new S3ObjectStore({ client, bucket });
    }
    this.defaultBucket = options.defaultBucket;
    this.contentType = options.contentType ?? TextFileSinkDefaults.CONTENT_TYPE;
    this.reservedKeyPrefixes = options.reservedKeyPrefixes ?? TextFileSinkDefaults.RESERVED_KEY_PREFIXES;
  }

  /**
   * Writes (or overwrites) the object at `path`.
   *
   * @throws InvalidTextFilePathError when `path` maps to no bucket and key.
   * @throws TextFileWriteError when the store fails (the batch fails and Lambda retries it).
   */
  public async write(path: string, text: string): Promise<void> {
    const { bucket, key } = parseTextFilePath(path, {
      defaultBucket: this.defaultBucket,
      reservedKeyPrefixes: this.reservedKeyPrefixes,
    });
    try {
      await this.store(bucket).put(key, text, this.contentType);
    } catch (error) {
      throw new TextFileWriteError(bucket, key, error);
    }
  }

  private store(bucket: string): ObjectStore {
    let store = this.stores.get(bucket);
    if (store === undefined) {
      store = this.storeFor(bucket);
      this.stores.set(bucket, store);
    }
    return store;
  }
}
