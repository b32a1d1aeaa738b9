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
