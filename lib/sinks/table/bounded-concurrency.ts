/** The first failure of {@link forEachUntilFailure}: the item and what its call threw. */
export interface ItemFailure<T> {
  /** The item whose call failed. */
  readonly item: T;
  /** What the call threw. */
  readonly error: unknown;
}

/**
 * Calls `fn` on `items` with at most `limit` calls in flight. After a call fails no new call
 * starts; the calls in flight settle, then the first failure is returned (`undefined` when every
 * call succeeded). Nothing keeps running after the returned promise settles.
 */
export async function forEachUntilFailure<T>(
  items: readonly T[],
  limit: number,
  fn: (item: T) => Promise<void>,
): Promise<ItemFailure<T> | undefined> {
  let next = 0;
  let failure: ItemFailure<T> | undefined;
  const worker = async (): Promise<void> => {
    while (failure === undefined && next < items.length) {
      const item = items[next++] as T;
      try {
        await fn(item);
      } catch (error) {
        failure ??= { item, error };
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return failure;
}
