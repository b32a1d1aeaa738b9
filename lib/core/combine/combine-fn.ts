/**
 * A mergeable aggregation (Beam's `CombineFn`): partial results (accumulators) can be built
 * anywhere, merged in any order, and stored between batches, so one definition serves
 * per-batch aggregation, keyed state and window panes.
 *
 * @example
 * const mean: CombineFn<number, { sum: number; n: number }, number> = {
 *   createAccumulator: () => ({ sum: 0, n: 0 }),
 *   addInput: (acc, x) => ({ sum: acc.sum + x, n: acc.n + 1 }),
 *   mergeAccumulators: (accs) => accs.reduce((a, b) => ({ sum: a.sum + b.sum, n: a.n + b.n })),
 *   extractOutput: (acc) => acc.sum / acc.n,
 * };
 */
export interface CombineFn<I, A, O> {
  /** A fresh, empty accumulator. */
  createAccumulator(): A;
  /** Folds one input into an accumulator (may mutate and return it, or return a new one). */
  addInput(accumulator: A, input: I): A;
  /** Merges several accumulators into one (inputs are never empty). */
  mergeAccumulators(accumulators: readonly A[]): A;
  /** The result an accumulator stands for. */
  extractOutput(accumulator: A): O;
}

/** Ready-made {@link CombineFn}s. */
export const Combiners = {
  /** Counts inputs. */
  count<I>(): CombineFn<I, number, number> {
    return {
      createAccumulator: () => 0,
      addInput: (n) => n + 1,
      mergeAccumulators: (ns) => ns.reduce((a, b) => a + b, 0),
      extractOutput: (n) => n,
    };
  },
  /** Sums numbers. */
  sum(): CombineFn<number, number, number> {
    return {
      createAccumulator: () => 0,
      addInput: (total, x) => total + x,
      mergeAccumulators: (totals) => totals.reduce((a, b) => a + b, 0),
      extractOutput: (total) => total,
    };
  },
  /** Collects inputs in order (Spark's groupByKey). */
  toList<I>(): CombineFn<I, I[], I[]> {
    return {
      createAccumulator: () => [],
      addInput: (list, x) => {
        list.push(x);
        return list;
      },
      mergeAccumulators: (lists) => lists.flat() as I[],
      extractOutput: (list) => list,
    };
  },
  /**
   * From an associative reduce function (Spark's reduce/reduceByKey). The accumulator is
   * `{ some: false }` until the first input.
   */
  fromReducer<V>(reduce: (a: V, b: V) => V): CombineFn<V, Reduced<V>, V> {
    const merge = (a: Reduced<V>, b: Reduced<V>): Reduced<V> =>
      !a.some ? b : !b.some ? a : { some: true, value: reduce(a.value, b.value) };
    return {
      createAccumulator: () => ({ some: false }),
      addInput: (acc, x) => merge(acc, { some: true, value: x }),
      mergeAccumulators: (accs) => accs.reduce(merge, { some: false }),
      extractOutput: (acc) => {
        if (!acc.some) throw new Error('reduce of an empty group');
        return acc.value;
      },
    };
  },
} as const;

/** The accumulator of {@link Combiners.fromReducer}: empty, or one value. */
export type Reduced<V> = { readonly some: false } | { readonly some: true; readonly value: V };
