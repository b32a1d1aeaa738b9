import type { ForeachBatchContext } from '../../core';

/** A row's primary key: one or two attributes (partition key, optional sort key), strings or numbers. */
export type TableKey = Readonly<Record<string, string | number>>;

/**
 * A row's sequence: the caller's version of the row. A write lands only when the stored row is
 * absent or has a lower sequence.
 *
 * Numbers compare numerically. Strings compare byte-wise (UTF-8), as DynamoDB compares them, so
 * numeric strings must be made order-preserving: zero-padded to a fixed width
 * (`String(n).padStart(20, '0')`) or length-prefixed (`encodeOffsetKey` from `lib/core`, which
 * handles 56-digit Kinesis sequence numbers). A table must use one sequence type throughout: a
 * number never compares with a string (DynamoDB evaluates such a condition as false), so a row
 * of the other type is skipped.
 */
export type TableSequence = string | number;

/** One row to upsert. */
export interface TableRow {
  /** The primary key. Its attributes must not appear in `attributes`. */
  readonly key: TableKey;
  /**
   * The row's other attributes (JSON-like values, `Set`s, `Map`s, `Uint8Array`s, `Date`s as ISO
   * strings; `undefined` properties are left out). They replace the stored row's attributes.
   */
  readonly attributes: Readonly<Record<string, unknown>>;
  /** The row's version: see {@link TableSequence}. */
  readonly sequence: TableSequence;
}

/** Where an `upsert` sets aside rows the table can never hold: the `foreachBatch` context. */
export type RowDeadLetters = Pick<ForeachBatchContext, 'deadLetter'>;

/** Options of {@link TableSink.upsert}. */
export interface UpsertOptions {
  /**
   * Where rows the table can never hold go: a key above DynamoDB's key limits (2,048 bytes for a
   * partition key, 1,024 for a sort key) or an item above 400 KB. Pass the `foreachBatch` context:
   * each such row is dead-lettered with its content and the reason (code `ROW_TOO_LARGE`), named after
   * the batch and its key, and the other rows are written, so the batch commits instead of failing
   * forever. Errors that may pass (throttling, timeouts) still fail the call.
   *
   * @default none: such a row fails the call with a `TableRowTooLargeError` (before anything is
   * written when its size alone tells)
   */
  readonly deadLetters?: RowDeadLetters;
}

/** What an `upsert` did. `written + skipped + deadLettered` equals the number of rows given. */
export interface UpsertResult {
  /** Rows stored (absent before, or stored with a lower sequence). */
  readonly written: number;
  /**
   * Rows not stored: the stored row has the same or a higher sequence (a replay, or an older
   * batch arriving late), or a row of the same call with the same key has a higher sequence.
   */
  readonly skipped: number;
  /** Rows the table can never hold, dead-lettered (see {@link UpsertOptions.deadLetters}). */
  readonly deadLettered: number;
}

/**
 * The port for a user's result table (Structured Streaming's complete-mode result table, the
 * seeds' "persist word counts into a database"): idempotent, order-safe upserts. Each row is
 * written only if its key is absent or stored with a lower sequence, so replaying a batch writes
 * nothing new and an older batch never overwrites a newer result, whatever order retries land in.
 *
 * Choose a sequence that grows with every new result of a key: the batch time or batch number for
 * a single partition, an encoded last offset, or, for results of keyed state updated from several
 * partitions, a version of that state.
 *
 * Rows the table can never hold (DynamoDB's key and item size limits) are data, not an outage: given
 * the batch context, the sink dead-letters them and writes the rest.
 *
 * @example
 * pipeline.foreachBatch(async (counts, context) => {
 *   await table.upsert(
 *     counts.map(([word, count]) => ({ key: { pk: word }, attributes: { count }, sequence: context.batchTime })),
 *     { deadLetters: context },
 *   );
 * });
 */
export interface TableSink {
  /**
   * Upserts `rows`. Rows are validated first: an invalid row fails the call with an
   * `InvalidTableRowError` before anything is written. A row the table can never hold is
   * dead-lettered through `options.deadLetters`, or else fails the call.
   */
  upsert(rows: readonly TableRow[], options?: UpsertOptions): Promise<UpsertResult>;
}
