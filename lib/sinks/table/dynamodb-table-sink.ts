import { type DynamoDBClient, PutItemCommand } from '@aws-sdk/client-dynamodb';
import { InvalidConfigurationError } from '../../core';
import { isConditionalCheckFailed, isSizeLimitViolation } from '../../state';
import { forEachUntilFailure } from './bounded-concurrency';
import { TableSinkDefaults } from './constants';
import { TableRowTooLargeError, TableWriteError } from './errors';
import {
  deadLetterRow,
  type PreparedRow,
  prepareRows,
  sequenceValue,
  setAsideRowsTooLarge,
} from './table-rows';
import type { RowDeadLetters, TableRow, TableSink, UpsertOptions, UpsertResult } from './table-sink';

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
 * A row DynamoDB can never hold (a key above its key limits, an item above 400 KB) is dead-lettered
 * through `options.deadLetters` (the `foreachBatch` context): before the write when its size alone
 * tells (`rowLimitViolation`), else when DynamoDB refuses its put with a `ValidationException`
 * about a size (a sort key above 1,024 bytes: only the table knows which key attribute is the sort key).
 *
 * On any other error no further put starts, the puts in flight settle, and the call fails with a
 * `TableWriteError`; upserting the same rows again is safe.
 *
 * @example
 * const results = new DynamoDbTableSink({ client: dynamodb, tableName: 'word-counts' });
 * pipeline.foreachBatch(async (counts, context) => {
 *   await results.upsert(
 *     counts.map(([word, count]) => ({ key: { pk: word }, attributes: { count }, sequence: count })),
 *     { deadLetters: context },
 *   );
 * });
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

  public async upsert(rows: readonly TableRow[], options: UpsertOptions = {}): Promise<UpsertResult> {
    const prepared = prepareRows(rows, this.sequenceAttribute);
    const writable = setAsideRowsTooLarge(prepared.rows, this.tableName, options.deadLetters);
    let written = 0;
    let skipped = prepared.duplicates;
    let deadLettered = writable.deadLettered;
    const failure = await forEachUntilFailure(writable.rows, this.concurrency, async (row) => {
      const outcome = await this.put(row, options.deadLetters);
      if (outcome === 'written') written++;
      else if (outcome === 'skipped') skipped++;
      else deadLettered++;
    });
    if (failure !== undefined) {
      throw new TableWriteError(this.tableName, failure.item.row.key, { written, skipped }, failure.error);
    }
    return { written, skipped, deadLettered };
  }

  /**
   * Puts one row: `skipped` when the condition failed (a newer or equal row is stored), `deadLettered`
   * when DynamoDB refused it for its size and `deadLetters` took it.
   */
  private async put(
    row: PreparedRow,
    deadLetters: RowDeadLetters | undefined,
  ): Promise<'written' | 'skipped' | 'deadLettered'> {
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
      return 'written';
    } catch (error) {
      if (isConditionalCheckFailed(error)) return 'skipped';
      if (deadLetters === undefined || !isSizeLimitViolation(error)) throw error;
      const reason = `DynamoDB refused it (${(error as Error).message})`;
      deadLetterRow(
        deadLetters,
        this.tableName,
        row,
        new TableRowTooLargeError(this.tableName, { key: row.row.key, index: row.index }, reason, {
          cause: error,
          deadLettered: true,
        }),
      );
      return 'deadLettered';
    }
  }
}
