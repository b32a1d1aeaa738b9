/**
 * What a `mapWithState` operator stores per key (the state item's JSON value). Besides the user's
 * state it keeps what makes outputs replayable: the outputs of the last fold of each partition and
 * of the last timeout, so a retry that finds its values already folded emits exactly what the
 * written fold emitted instead of nothing or something recomputed.
 */
export interface MapWithStateItem {
  /** The user's state; absent when the key has none (never set, removed or timed out). */
  readonly state?: unknown;
  /** Batch time (epoch ms) of the last batch that brought values for the key; never moves backwards. */
  readonly activeAt?: number;
  /** Per partition, the outputs of the last fold that partition wrote. */
  readonly outputs?: Readonly<Record<string, StoredOutputs>>;
  /** The last proactive timeout (by the scheduled sweep), with its outputs. */
  readonly timedOut?: StoredTimeout;
}

/** The outputs of one fold, identified by the fencing mark it moved its partition to. */
export interface StoredOutputs {
  /** The offset key of the fold's last value: equal to a batch's highest offset key for the key. */
  readonly mark: string;
  /** The batch time of the fold (old entries of other partitions are pruned by it). */
  readonly batchTime: number;
  /** The function's results, in call order (`undefined` results left out). */
  readonly values: readonly unknown[];
  /** Calls that threw while the key was timing out lazily (dead-lettered; the state was removed anyway). */
  readonly failures?: readonly StoredFailure[];
  /**
   * The timer bucket this fold must register before its batch commits: the new state's, unless the
   * state it started from expired in the same bucket (whose timer, registered by that state's
   * writer, covers it). Absent when nothing needs registering (no timeout, no state, or covered).
   */
  readonly timer?: number;
}

/** A proactive timeout of the key, done by the sweep of timer bucket `bucket`. */
export interface StoredTimeout {
  readonly bucket: number;
  /** The timing-out call's result, if not `undefined`. */
  readonly values: readonly unknown[];
  /** The timing-out call, if it threw. */
  readonly failures?: readonly StoredFailure[];
}

/** A user function call that threw, kept as data so every attempt dead-letters it identically. */
export interface StoredFailure {
  /** The dead letter's value: `[key, state]`. */
  readonly value: unknown;
  /** The error's name and message. */
  readonly name: string;
  readonly message: string;
}

/** Reads a stored value as a {@link MapWithStateItem} (`undefined` for no item or a bare tombstone). */
export function asMapWithStateItem(stored: unknown): MapWithStateItem | undefined {
  return typeof stored === 'object' && stored !== null && !Array.isArray(stored)
    ? (stored as MapWithStateItem)
    : undefined;
}

/** Whether a stored item holds a live state. */
export function hasState(
  item: MapWithStateItem | undefined,
): item is MapWithStateItem & { activeAt: number } {
  return item !== undefined && 'state' in item && item.activeAt !== undefined;
}

/**
 * The user's state in a stored `mapWithState` value, for tests, savepoints and tools.
 *
 * @example
 * for (const [keyId, stored] of await store.scan('sessions')) {
 *   const entry = unwrapMapWithState(stored);
 *   if (entry.exists) console.log(keyId, entry.state);
 * }
 */
export function unwrapMapWithState(
  stored: unknown,
): { readonly exists: true; readonly state: unknown } | { readonly exists: false } {
  const item = asMapWithStateItem(stored);
  return hasState(item) ? { exists: true, state: item.state } : { exists: false };
}

/** Rebuilds the error of a stored failure (same name and message, so its description is identical). */
export function failureError(failure: StoredFailure): Error {
  const error = new Error(failure.message);
  error.name = failure.name;
  return error;
}
