import { ErrorCode, keyPreview, SparklessError } from '../../core';

/**
 * Stable codes of the errors table sinks raise.
 * They are members of the core `ErrorCode`.
 */
export const TableSinkErrorCode = {
  /** A row cannot be written as given (bad key, sequence or attribute); nothing was written. */
  InvalidRow: ErrorCode.InvalidTableRow,
  /** A write failed for a reason other than its condition (infrastructure: retry the whole call). */
  WriteFailed: ErrorCode.TableWriteFailed,
  /** A row's key or item exceeds DynamoDB's size limits: the table can never hold it. */
  RowTooLarge: ErrorCode.RowTooLarge,
} as const;

/** One of the {@link TableSinkErrorCode} values. */
export type TableSinkErrorCode = (typeof TableSinkErrorCode)[keyof typeof TableSinkErrorCode];

/** Base class of the errors table sinks raise, with a {@link TableSinkErrorCode} and `cause`. */
export class TableSinkError extends SparklessError {
  public constructor(code: TableSinkErrorCode, message: string, options?: { cause?: unknown }) {
    super(code, message, options);
  }
}

/** A row of an `upsert` call is not valid; the call wrote nothing. */
export class InvalidTableRowError extends TableSinkError {
  /** The row's index in the `upsert` call. */
  public readonly rowIndex: number;

  public constructor(rowIndex: number, reason: string, options?: { cause?: unknown }) {
    super(TableSinkErrorCode.InvalidRow, `row ${rowIndex}: ${reason}`, options);
    this.rowIndex = rowIndex;
  }
}

/**
 * A row the table can never hold: its key exceeds DynamoDB's key limits (2,048 bytes for a partition
 * key, 1,024 for a sort key) or its item DynamoDB's 400 KB. Bad input, not an outage: given the batch
 * context, the sink dead-letters the row with this error and writes the others.
 */
export class TableRowTooLargeError extends TableSinkError {
  /** The table. */
  public readonly tableName: string;
  /** The row's key. */
  public readonly key: Readonly<Record<string, string | number>>;
  /** The row's index in the `upsert` call. */
  public readonly rowIndex: number;

  /**
   * @param reason what exceeds which limit
   * @param options.deadLettered whether the row is dead-lettered (else the message names how to have it so)
   */
  public constructor(
    tableName: string,
    row: { readonly key: Readonly<Record<string, string | number>>; readonly index: number },
    reason: string,
    options: { readonly cause?: unknown; readonly deadLettered: boolean },
  ) {
    const fix = options.deadLettered
      ? ''
      : '; pass the foreachBatch context, upsert(rows, { deadLetters: context }), to dead-letter such rows and write the others';
    super(
      TableSinkErrorCode.RowTooLarge,
      `row ${row.index} with key ${keyPreview(JSON.stringify(row.key))} can never be stored in table ${tableName}: ${reason}; key the table on something shorter (e.g. a hash of the long value, keeping the value in an attribute)${fix}`,
      options.cause === undefined ? undefined : { cause: options.cause },
    );
    this.tableName = tableName;
    this.key = row.key;
    this.rowIndex = row.index;
  }
}

/**
 * A write failed (throttling past the SDK's retries, access denied, item too large, ...). The
 * rows counted in `written` and `skipped` are settled; the others may or may not be written.
 * Calling `upsert` again with the same rows is safe: what was written is skipped.
 */
export class TableWriteError extends TableSinkError {
  /** The table. */
  public readonly tableName: string;
  /** The key of the row whose write failed. */
  public readonly key: Readonly<Record<string, string | number>>;
  /** Rows written before the call stopped. */
  public readonly written: number;
  /** Rows skipped before the call stopped. */
  public readonly skipped: number;

  public constructor(
    tableName: string,
    key: Readonly<Record<string, string | number>>,
    counts: { readonly written: number; readonly skipped: number },
    cause: unknown,
  ) {
    super(
      TableSinkErrorCode.WriteFailed,
      `writing the row with key ${keyPreview(JSON.stringify(key))} to table ${tableName} failed (${counts.written} rows written, ${counts.skipped} skipped before it); upsert the same rows again`,
      { cause },
    );
    this.tableName = tableName;
    this.key = key;
    this.written = counts.written;
    this.skipped = counts.skipped;
  }
}
