import { type DynamoDBClient, PutItemCommand } from '@aws-sdk/client-dynamodb';
import { InvalidConfigurationError } from '../../core';
import { isConditionalCheckFailed } from '../../state';
import { forEachUntilFailure } from './bounded-concurrency';
import { TableSinkDefaults } from './constants';
import { TableWriteError } from './errors';
import { type PreparedRow, prepareRows, sequenceValue } from './table-rows';
import type { TableRow, TableSink, UpsertResult } from './table-sink';

/** Options of {@link DynamoDbTableSink}. */
export interface DynamoDbTableSinkOptions {
  /** The DynamoDB client (built once per container). */
  readonly client: DynamoDBClient;
  /** The user's result table; its key attributes are the rows' `key` attributes. */
  readonly tableName: string;
  /**
   * The attribute that holds each row's sequence. Rows may not use it as a key or attribute name.
   *
   * @default '_sequence'
   */
  readonly sequenceAttribute?: string;
  /**
   * Conditional puts in flight at once.
   *
   * @default 16
   */
  readonly concurrency?: number;
}

/** Stored row absent (or written without a sequence), or stored with a lower sequence. */
const CONDITION_NOT_NEWER = 'attribute_not_exists(#seq) OR #seq < :seq';

/**
 * {@link TableSink} on a DynamoDB table: one conditional `PutItem` per row,
 * `attribute_not_exists(#seq) OR #seq < :seq`, so a replayed row (same sequence) and a late row
 * (lower sequence) are skipped and never overwrite a newer result. A put replaces the whole item.
 * A failed condition counts as skipped; rows of one call with the same key are reduced to the
 * highest sequence first. No transactions: calls with any number of rows are fine.
 *
 * On any other error no further put starts, the puts in flight settle, and the call fails with a
 * `TableWriteError`; upserting the same rows again is safe.
 *
 * @example
 * const results = new DynamoDbTableSink({ client: dynamodb, tableName: 'word-counts' });
 * const { written, skipped } = await results.upsert([{ key: { pk: 'spark' }, attributes: { count: 4 }, sequence: 7 }]);
 */
export class DynamoDbTableSink implements TableSink {
  private readonly client: DynamoDBClient;
  private readonly tableName: string;
  private readonly sequenceAttribute: string;
  private readonly concurrency: number;

  public constructor(options: DynamoDbTableSinkOptions) {
    if (options.tableName === '')
      throw new InvalidConfigurationError('tableName must name a table (given "")');
    const concurrency = options.concurrency ?? TableSinkDefaults.CONCURRENCY;
    if (!Number.isInteger(concurrency) || concurrency < 1) {
      throw new InvalidConfigurationError(`concurrency must be a positive integer (given ${concurrency})`);
    }
    const sequenceAttribute = options.sequenceAttribute ?? TableSinkDefaults.SEQUENCE_ATTRIBUTE;
    if (sequenceAttribute === '')
      throw new InvalidConfigurationError('sequenceAttribute must not be empty (given "")');
    this.client = options.client;
    this.tableName = options.tableName;
    this.sequenceAttribute = sequenceAttribute;
    this.concurrency = concurrency;
  }

  public async upsert(rows: readonly TableRow[]): Promise<UpsertResult> {
    const prepared = prepareRows(rows, this.sequenceAttribute);
    let written = 0;
    let skipped = prepared.duplicates;
    const failure = await forEachUntilFailure(prepared.rows, this.concurrency, async (row) => {
      if (await this.put(row)) written++;
      else skipped++;
    });
    if (failure !== undefined) {
      throw new TableWriteError(this.tableName, failure.item.row.key, { written, skipped }, failure.error);
    }
    return { written, skipped };
  }

  /** Puts one row; `false` when the condition failed (a newer or equal row is stored). */
  private async put(row: PreparedRow): Promise<boolean> {
    try {
      await this.client.send(
        new PutItemCommand({
          TableName: this.tableName,
          Item: row.item,
          ConditionExpression: CONDITION_NOT_NEWER,
          ExpressionAttributeNames: { '#seq': this.sequenceAttribute },
          ExpressionAttributeValues: { ':seq': sequenceValue(row.row.sequence) },
        }),
      );
      return true;
    } catch (error) {
      if (isConditionalCheckFailed(error)) return false;
      throw error;
    }
  }
}
