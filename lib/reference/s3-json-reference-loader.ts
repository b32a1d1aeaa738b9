import type { S3Client } from '@aws-sdk/client-s3';
import { InvalidConfigurationError, type ReferenceSource } from '../core';
import { type ObjectStore, S3ObjectStore } from '../storage';
import { ReferenceDataErrorCode, ReferenceSourceError } from './errors';
import type { ReferenceLoader } from './reference-loader';

/**
 * Options of {@link S3JsonReferenceLoader}: an S3 client, or (for tests) a function giving an
 * {@link ObjectStore} per bucket. Exactly one of the two.
 */
export type S3JsonReferenceLoaderOptions =
  | {
      /** The S3 client (built once per container). */
      readonly client: S3Client;
      readonly objectStoreFor?: never;
    }
  | {
      /** The object store of a bucket, e.g. a `MemoryObjectStore` per bucket in unit tests. */
      readonly objectStoreFor: (bucket: string) => ObjectStore;
      readonly client?: never;
    };

/**
 * Loads an `s3-json` reference source: GetObject, then UTF-8 and JSON decoding. A missing
 * object or bucket is a `REFERENCE_SOURCE_MISSING` error and a body that is not JSON a
 * `REFERENCE_SOURCE_INVALID` one, both naming `s3://bucket/key`; any other failure is wrapped
 * as `REFERENCE_LOAD_FAILED` with the SDK error as `cause`.
 *
 * @example
 * const loader = new S3JsonReferenceLoader({ client: new S3Client({}) });
 * const names = await loader.load(s3Json('sparkless-reference', 'blacklist.json'));
 */
export class S3JsonReferenceLoader implements ReferenceLoader {
  private readonly storeFor: (bucket: string) => ObjectStore;
  private readonly stores = new Map<string, ObjectStore>();

  public constructor(options: S3JsonReferenceLoaderOptions) {
    if (options.objectStoreFor !== undefined) {
      this.storeFor = options.objectStoreFor;
    } else {
      const client = options.client;
      this.storeFor = (bucket) => new S3ObjectStore({ client, bucket });
    }
  }

  /**
   * Reads and parses the document.
   *
   * @throws ReferenceSourceError (`REFERENCE_SOURCE_MISSING`, `REFERENCE_SOURCE_INVALID`, `REFERENCE_LOAD_FAILED`).
   * @throws InvalidConfigurationError when `source` is not an `s3-json` source.
   */
  public async load(source: ReferenceSource): Promise<unknown> {
    if (source.kind !== 's3-json') {
      throw new InvalidConfigurationError(
        `S3JsonReferenceLoader loads s3-json sources (given ${source.kind})`,
      );
    }
    let body: Uint8Array | undefined;
    try {
      body = await this.store(source.bucket).get(source.key);
    } catch (error) {
      if (errorName(error) === 'NoSuchBucket') {
        throw new ReferenceSourceError(
          ReferenceDataErrorCode.SourceMissing,
          source,
          `does not exist: no bucket ${JSON.stringify(source.bucket)}`,
          { cause: error },
        );
      }
      throw new ReferenceSourceError(ReferenceDataErrorCode.LoadFailed, source, 'could not be read', {
        cause: error,
      });
    }
    if (body === undefined) {
      throw new ReferenceSourceError(
        ReferenceDataErrorCode.SourceMissing,
        source,
        'does not exist: upload the JSON document or correct the reference source',
      );
    }
    let text: string;
    try {
      text = new TextDecoder('utf-8', { fatal: true }).decode(body);
    } catch (error) {
      throw new ReferenceSourceError(ReferenceDataErrorCode.SourceInvalid, source, 'is not valid UTF-8', {
        cause: error,
      });
    }
    try {
      return JSON.parse(text) as unknown;
    } catch (error) {
      throw new ReferenceSourceError(
        ReferenceDataErrorCode.SourceInvalid,
        source,
        `is not valid JSON (${body.byteLength} bytes): ${error instanceof Error ? error.message : String(error)}`,
        { cause: error },
      );
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

function errorName(error: unknown): unknown {
  return typeof error === 'object' && error !== null ? (error as { name?: unknown }).name : undefined;
}
