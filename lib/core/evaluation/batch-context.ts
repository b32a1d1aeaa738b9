import type { Window } from '../windows/window';

/**
 * What output code knows about the batch it runs for. `batchId` is the same on every
 * retry of the batch, even when Lambda re-cuts it (bisect, partial retries), so user code
 * can write "only if this batch id is not yet in the database".
 */
export interface BatchContext {
  /** Stable id: `<partition>/<batchNumber>`. */
  readonly batchId: string;
  /** The batch's sequence number within its partition, starting at 0. */
  readonly batchNumber: number;
  /** The batch time in epoch milliseconds (Spark's `Time: … ms`), fixed when the batch was first claimed. */
  readonly batchTime: number;
  /** The partition (Kinesis shard or Kafka topic-partition). */
  readonly partition: string;
  /** Offset of the batch's first record (decimal string). */
  readonly firstOffset: string;
  /** Offset of the batch's last record (decimal string). */
  readonly lastOffset: string;
  /**
   * For outputs of a windowed operator: the window that fired.
   *
   * @default none (outputs of ordinary batches)
   */
  readonly window?: Window;
}

/** A value `foreachBatch` code sets aside because of its content, through {@link ForeachBatchContext.deadLetter}. */
export interface OutputDeadLetter {
  /**
   * Identifies the value within the batch's output (a row's table and key, say). The dead-letter
   * entry is named after the batch and this key, so a replayed batch rewrites the same entry, in
   * whatever order its values are set aside.
   */
  readonly key: string;
  /** The value, kept as JSON in the dead-letter entry. */
  readonly value: unknown;
  /** Why it cannot be delivered; a `SparklessError` gives the entry its code. */
  readonly error: unknown;
}

/**
 * What `foreachBatch` code receives: the {@link BatchContext} and a way to dead-letter values the
 * output can never deliver (bad input, not an outage), so that the rest of the batch is delivered and
 * the batch commits instead of failing forever.
 */
export interface ForeachBatchContext extends BatchContext {
  /**
   * Dead-letters one value: it is written with the batch's other dead letters (before the batch
   * commits) and counted in its metrics. Pass it to sinks that dead-letter what they can never
   * write, e.g. `table.upsert(rows, { deadLetters: context })`. Only for values that can never be
   * delivered: a transient failure (throttling, a timeout) must still throw, so the batch is retried.
   *
   * @throws SparklessError (`INVALID_STATE_ACCESS`) when called after the `foreachBatch` function
   * returned: the batch's dead letters are written by then.
   */
  readonly deadLetter: (deadLetter: OutputDeadLetter) => void;
}
