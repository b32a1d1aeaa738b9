import { InvalidPipelineError } from '../errors';

/** Where reference data is loaded from (adapters in `lib/reference` implement each kind). */
export type ReferenceSource =
  /** A JSON document in S3. */
  | { readonly kind: 's3-json'; readonly bucket: string; readonly key: string }
  /** Every item of a DynamoDB table, as a map from `keyAttribute` to the item (plain JSON). */
  | { readonly kind: 'dynamodb-table'; readonly tableName: string; readonly keyAttribute: string }
  /** A value given in code: tests, constants. */
  | { readonly kind: 'static'; readonly value: unknown };

/**
 * A declared piece of reference data (Spark's broadcast variable / the blacklist RDD the
 * seed joins with): loaded by the runtime, cached per Lambda container and refreshed every
 * `refreshIntervalMs`; operators read the loaded value through `transform` and the joins.
 */
export interface ReferenceData<T> {
  /** The name it is known by (unique within a pipeline). */
  readonly name: string;
  /** Where it comes from. */
  readonly source: ReferenceSource;
  /** How long a loaded value is used before it is loaded again. */
  readonly refreshIntervalMs: number;
  /** Converts what the adapter loaded (JSON) into `T`; identity when absent. */
  readonly parse?: (loaded: unknown) => T;
}

/** Options of {@link referenceData}. */
export interface ReferenceDataOptions<T> {
  /** Where it comes from. */
  readonly source: ReferenceSource;
  /**
   * How long a loaded value is used before it is loaded again, in milliseconds.
   *
   * @default 60000
   */
  readonly refreshIntervalMs?: number;
  /**
   * Converts the loaded JSON into the value operators see (e.g. an array into a `Set`).
   *
   * @default the loaded value as is
   */
  readonly parse?: (loaded: unknown) => T;
}

/**
 * Declares reference data.
 *
 * @example
 * const blacklist = referenceData<Set<string>>('blacklist', {
 *   source: s3Json('sparkless-reference', 'blacklist.json'),
 *   parse: (names) => new Set(names as string[]),
 * });
 */
export function referenceData<T>(name: string, options: ReferenceDataOptions<T>): ReferenceData<T> {
  if (!/^[A-Za-z0-9_-]{1,64}$/.test(name)) {
    throw new InvalidPipelineError(
      `reference data name must be 1-64 letters, digits, _ or - (given ${JSON.stringify(name)})`,
    );
  }
  const refreshIntervalMs = options.refreshIntervalMs ?? 60_000;
  if (!Number.isInteger(refreshIntervalMs) || refreshIntervalMs < 0) {
    throw new InvalidPipelineError(
      `refreshIntervalMs of reference data ${name} must be a non-negative integer (given ${refreshIntervalMs})`,
    );
  }
  return {
    name,
    source: options.source,
    refreshIntervalMs,
    ...(options.parse ? { parse: options.parse } : {}),
  };
}

/** A JSON document in S3 as a {@link ReferenceSource}. */
export function s3Json(bucket: string, key: string): ReferenceSource {
  return { kind: 's3-json', bucket, key };
}

/** Stands for the pipeline's own bucket (`SPARKLESS_CHECKPOINT_BUCKET`) in an S3 reference source. */
export const PIPELINE_BUCKET = '${pipeline-bucket}';

/** A JSON document in the pipeline's own bucket (the construct already grants the function access). */
export function pipelineBucketJson(key: string): ReferenceSource {
  return { kind: 's3-json', bucket: PIPELINE_BUCKET, key };
}

/** Replaces {@link PIPELINE_BUCKET} in a source by the deployed bucket's name. */
export function withPipelineBucket(source: ReferenceSource, bucket: string): ReferenceSource {
  return source.kind === 's3-json' && source.bucket === PIPELINE_BUCKET ? { ...source, bucket } : source;
}

/** A DynamoDB table as a {@link ReferenceSource}: a map from `keyAttribute` to item. */
export function dynamoDbTable(tableName: string, keyAttribute: string): ReferenceSource {
  return { kind: 'dynamodb-table', tableName, keyAttribute };
}

/** A value in code as a {@link ReferenceSource}. */
export function staticValue(value: unknown): ReferenceSource {
  return { kind: 'static', value };
}

/**
 * The port through which operators read loaded reference data. The runtime loads and
 * caches; the evaluator only reads.
 */
export interface ReferenceResolver {
  /** The current value of `reference`. */
  get<T>(reference: ReferenceData<T>): T;
}
