/** One window of a windowed result: `[start, end)` in epoch milliseconds. */
export interface Window {
  readonly start: number;
  readonly end: number;
}

/**
 * One row of a windowed aggregation's result table, as the update and complete output modes emit
 * it (Structured Streaming's `window` column, the grouping key and the aggregate).
 */
export interface WindowedRow<K, V> {
  readonly window: Window;
  /** The grouping key; `null` for global window operators (`countByWindow`, `reduceByWindow`). */
  readonly key: K;
  /** The window's current aggregate for the key. */
  readonly value: V;
  /**
   * How many times this (window, key) result has been written. A later result of the same window
   * and key always has a higher revision, however batches of different partitions interleave, so a
   * sink that keeps a row only when its revision is higher than the stored one (a conditional
   * upsert) always ends with the latest value.
   */
  readonly revision: number;
}
