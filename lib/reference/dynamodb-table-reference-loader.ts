import { type AttributeValue, type DynamoDBClient, paginateScan } from '@aws-sdk/client-dynamodb';
import { InvalidConfigurationError, type ReferenceSource } from '../core';
import { type JsonValue, unmarshallItem } from './dynamodb-json';
import { ReferenceDataErrorCode, ReferenceSourceError } from './errors';
import type { DynamoDbTableReferenceSource, ReferenceLoader } from './reference-loader';

/** Options of {@link DynamoDbTableReferenceLoader}. */
export interface DynamoDbTableReferenceLoaderOptions {
  /** The DynamoDB client (built once per container). */
  readonly client: DynamoDBClient;
  /**
   * Read with strong consistency (twice the read capacity).
   *
   * @default false: eventually consistent scans, as fits data refreshed on an interval
   */
  readonly consistentRead?: boolean;
  /**
   * Items per Scan page (the Scan's `Limit`).
   *
   * @default none: DynamoDB's 1 MB pages
   */
  readonly pageSize?: number;
}

/**
 * Loads a `dynamodb-table` reference source: a paginated Scan of the whole table, each item
 * unmarshalled to plain JSON (see {@link unmarshallItem}), returned as an object from the
 * item's `keyAttribute` (a string, or a number written in decimal) to the item, so that
 * `parse: (rows) => new Map(Object.entries(rows))` builds a lookup table for the joins.
 *
 * A missing table is `REFERENCE_SOURCE_MISSING`; an item without a string or number
 * `keyAttribute`, or two items with the same key value, is `REFERENCE_SOURCE_INVALID`; any
 * other failure is wrapped as `REFERENCE_LOAD_FAILED` with the SDK error as `cause`.
 *
 * @example
 * const loader = new DynamoDbTableReferenceLoader({ client: new DynamoDBClient({}) });
 * const prices = await loader.load(dynamoDbTable('prices', 'sku')); // { 'sku-1': { sku: 'sku-1', price: 3 } }
 */
export class DynamoDbTableReferenceLoader implements ReferenceLoader {
  private readonly client: DynamoDBClient;
  private readonly consistentRead: boolean;
  private readonly pageSize: number | undefined;

  public constructor(options: DynamoDbTableReferenceLoaderOptions) {
    if (options.pageSize !== undefined && (!Number.isInteger(options.pageSize) || options.pageSize < 1)) {
      throw new InvalidConfigurationError(`pageSize must be a positive integer (given ${options.pageSize})`);
    }
    this.client = options.client;
    this.consistentRead = options.consistentRead ?? false;
    this.pageSize = options.pageSize;
  }

  /**
   * Scans the table.
   *
   * @throws ReferenceSourceError (`REFERENCE_SOURCE_MISSING`, `REFERENCE_SOURCE_INVALID`, `REFERENCE_LOAD_FAILED`).
   * @throws InvalidConfigurationError when `source` is not a `dynamodb-table` source.
   */
  public async load(source: ReferenceSource): Promise<Record<string, JsonValue>> {
    if (source.kind !== 'dynamodb-table') {
      throw new InvalidConfigurationError(
        `DynamoDbTableReferenceLoader loads dynamodb-table sources (given ${source.kind})`,
      );
    }
    const rows = new Map<string, JsonValue>();
    try {
      const pages = paginateScan(
        { client: this.client, ...(this.pageSize === undefined ? {} : { pageSize: this.pageSize }) },
        { TableName: source.tableName, ConsistentRead: this.consistentRead },
      );
      for await (const page of pages) {
        for (const item of page.Items ?? []) {
          const key = keyOf(item, source, rows.size);
          if (rows.has(key)) {
            throw new ReferenceSourceError(
              ReferenceDataErrorCode.SourceInvalid,
              source,
              `has two items with key ${JSON.stringify(key)}: the key attribute must be unique per item (use the table's partition key)`,
            );
          }
          rows.set(key, unmarshallItem(item));
        }
      }
    } catch (error) {
      if (error instanceof ReferenceSourceError) throw error;
      if ((error as { name?: unknown } | null)?.name === 'ResourceNotFoundException') {
        throw new ReferenceSourceError(
          ReferenceDataErrorCode.SourceMissing,
          source,
          'does not exist: create the table or correct the reference source',
          { cause: error },
        );
      }
      throw new ReferenceSourceError(ReferenceDataErrorCode.LoadFailed, source, 'could not be scanned', {
        cause: error,
      });
    }
    // Object.fromEntries defines own properties, so a key "__proto__" stays a key.
    return Object.fromEntries(rows);
  }
}

function keyOf(
  item: Readonly<Record<string, AttributeValue>>,
  source: DynamoDbTableReferenceSource,
  index: number,
): string {
  const attribute = item[source.keyAttribute];
  if (attribute?.S !== undefined) return attribute.S;
  if (attribute?.N !== undefined) return attribute.N;
  throw new ReferenceSourceError(
    ReferenceDataErrorCode.SourceInvalid,
    source,
    `has an item (number ${index + 1} scanned) without a string or number attribute ${JSON.stringify(source.keyAttribute)}`,
  );
}
