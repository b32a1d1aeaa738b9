import type { ReferenceSource } from '../core';

/** The kinds of {@link ReferenceSource}. */
export type ReferenceSourceKind = ReferenceSource['kind'];

/** The {@link ReferenceSource} variant of one kind. */
export type ReferenceSourceOf<K extends ReferenceSourceKind> = Extract<ReferenceSource, { readonly kind: K }>;

/** A JSON document in S3. */
export type S3JsonReferenceSource = ReferenceSourceOf<'s3-json'>;

/** Every item of a DynamoDB table, keyed by one attribute. */
export type DynamoDbTableReferenceSource = ReferenceSourceOf<'dynamodb-table'>;

/**
 * The port that reads one kind of reference source and returns its content as plain JSON
 * (the reference's `parse` turns it into what operators see). Errors should be
 * `ReferenceSourceError`s naming the source.
 *
 * @example
 * const fake: ReferenceLoader<S3JsonReferenceSource> = { load: async () => ['mallory'] };
 */
export interface ReferenceLoader<S extends ReferenceSource = ReferenceSource> {
  /** Reads `source` in full. */
  load(source: S): Promise<unknown>;
}

/** The loaders of a {@link ReferenceDataCache}, one per source kind that needs I/O (`static` needs none). */
export interface ReferenceLoaders {
  /**
   * Loads `s3-json` sources.
   *
   * @default none: a reference with an `s3-json` source is a configuration error
   */
  readonly s3Json?: ReferenceLoader<S3JsonReferenceSource>;
  /**
   * Loads `dynamodb-table` sources.
   *
   * @default none: a reference with a `dynamodb-table` source is a configuration error
   */
  readonly dynamoDbTable?: ReferenceLoader<DynamoDbTableReferenceSource>;
}
