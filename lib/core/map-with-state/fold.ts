import type { MapWithStateNode } from '../pipeline/graph';
import { MutableStateHandle } from './state-handle';
import {
  asMapWithStateItem,
  hasState,
  type MapWithStateItem,
  type StoredFailure,
  type StoredOutputs,
  type StoredTimeout,
} from './stored-item';
import { timerBucketAfter } from './timers';

/** How long the stored outputs of another partition's fold are kept for its replays. */
export const OUTPUT_RETENTION_MS = 7 * 24 * 3600 * 1000;

/** How many other partitions' stored outputs an item keeps at most (the most recent ones). */
export const MAX_RETAINED_PARTITIONS = 64;

/** What the operator contributes to a fold or a timeout. */
export type MapWithStateOperator = Pick<
  MapWithStateNode,
  'operatorId' | 'fn' | 'timeoutMs' | 'timeoutBucketMs'
>;

/** One key's fold in one batch. */
export interface MapWithStateFold {
  readonly key: unknown;
  /** The batch's partition: the outputs are stored under it. */
  readonly partition: string;
  /** The fencing mark the fold moves the partition to (the highest offset key of its values). */
  readonly mark: string;
  /** The batch time: the key's activity time, and the time lazy timeouts are measured at. */
  readonly batchTime: number;
}

/**
 * Folds one key's new values of a batch into its stored item (the `update` of the fenced state
 * step): if the key's state expired before the batch, the function is first called timing out
 * and the state removed (a lazy timeout); then it is called once per value, in offset order,
 * with the evolving state. The returned item holds the new state and these calls' outputs.
 *
 * The item (state and outputs) is checked against `MAX_STATE_BYTES` like every fold (`decideFold`):
 * past it, the key's values are dead-lettered with `STATE_TOO_LARGE` and its item left as it was.
 *
 * @throws whatever the function throws for a value
 */
export function foldMapWithState(
  operator: MapWithStateOperator,
  fold: MapWithStateFold,
  values: readonly unknown[],
  stored: unknown,
): MapWithStateItem {
  const item = asMapWithStateItem(stored);
  const live = hasState(item);
  const handle = new MutableStateHandle(live ? { exists: true, state: item.state } : { exists: false });
  const outputs: unknown[] = [];
  const failures: StoredFailure[] = [];
  if (live && operator.timeoutMs !== undefined && fold.batchTime - item.activeAt > operator.timeoutMs) {
    const result = callTimingOut(operator, fold.key, handle);
    outputs.push(...result.values);
    failures.push(...(result.failures ?? []));
  }
  for (const value of values) {
    const output = operator.fn(fold.key, value, handle);
    if (output !== undefined) outputs.push(output);
  }
  const activeAt = Math.max(fold.batchTime, item?.activeAt ?? Number.NEGATIVE_INFINITY);
  const timer = handle.exists() ? timerBucketOf(operator, activeAt, item?.timedOut) : undefined;
  const covered = live && timerBucketOf(operator, item.activeAt, item.timedOut) === timer;
  const entry: StoredOutputs = {
    mark: fold.mark,
    batchTime: fold.batchTime,
    values: outputs,
    ...(failures.length === 0 ? {} : { failures }),
    ...(timer === undefined || covered ? {} : { timer }),
  };
  const next: MapWithStateItem = {
    ...(handle.exists() ? { state: handle.getOption() } : {}),
    activeAt,
    outputs: { ...retainedOutputs(item?.outputs, fold), [fold.partition]: entry },
    ...(item?.timedOut === undefined ? {} : { timedOut: item.timedOut }),
  };
  return next;
}

/** The bucket in which a state last active at `activeAt` expires, or `undefined` without a timeout. */
export function expiryBucket(operator: MapWithStateOperator, activeAt: number): number | undefined {
  return operator.timeoutMs === undefined || operator.timeoutBucketMs === undefined
    ? undefined
    : timerBucketAfter(activeAt + operator.timeoutMs, operator.timeoutBucketMs);
}

/**
 * The bucket whose sweep times out a state: its expiry bucket, but after the bucket of the key's
 * last sweep timeout (a bucket times a key out at most once), or `undefined` without a timeout.
 */
function timerBucketOf(
  operator: MapWithStateOperator,
  activeAt: number,
  timedOut: StoredTimeout | undefined,
): number | undefined {
  const expiry = expiryBucket(operator, activeAt);
  if (expiry === undefined || timedOut === undefined) return expiry;
  return Math.max(expiry, timerBucketAfter(timedOut.bucket, operator.timeoutBucketMs ?? 1));
}

/** What the sweep of a timer bucket does with one key. */
export type TimeoutDecision =
  /** Nothing to emit: the key has no state, was active since, or timed out in a later bucket. */
  | { readonly kind: 'none' }
  /** The key already timed out in this bucket (an earlier attempt): emit what that timeout emitted. */
  | { readonly kind: 'emit'; readonly timedOut: StoredTimeout }
  /** Time the key out: write `next` (conditional on the version read), then emit. */
  | { readonly kind: 'timeOut'; readonly next: MapWithStateItem; readonly timedOut: StoredTimeout };

/**
 * Decides whether the sweep of timer bucket `bucket` times `key` out, given its stored item: a key
 * whose state expired in or before the bucket. A key times out in a bucket at most once (the item
 * remembers the last bucket, which only moves forward), so every attempt at sweeping a bucket emits
 * the same outputs for a key, or none.
 */
export function decideTimeout(
  operator: MapWithStateOperator,
  key: unknown,
  stored: unknown,
  bucket: number,
): TimeoutDecision {
  const item = asMapWithStateItem(stored);
  const last = item?.timedOut?.bucket;
  if (item?.timedOut !== undefined && last === bucket) return { kind: 'emit', timedOut: item.timedOut };
  if (last !== undefined && last > bucket) return { kind: 'none' };
  const expiry = hasState(item) ? expiryBucket(operator, item.activeAt) : undefined;
  if (!hasState(item) || expiry === undefined || expiry > bucket) return { kind: 'none' };
  const handle = new MutableStateHandle({ exists: true, state: item.state });
  const result = callTimingOut(operator, key, handle);
  const timedOut: StoredTimeout = { bucket, ...result };
  const { state: _removed, ...rest } = item;
  return { kind: 'timeOut', next: { ...rest, timedOut }, timedOut };
}

/** Calls the function for a key that is timing out; a throw is kept as a failure (the state goes anyway). */
function callTimingOut(
  operator: MapWithStateOperator,
  key: unknown,
  handle: MutableStateHandle,
): { values: unknown[]; failures?: StoredFailure[] } {
  const state = handle.getOption();
  handle.beginTimeout();
  try {
    const output = operator.fn(key, undefined, handle);
    return { values: output === undefined ? [] : [output] };
  } catch (error) {
    return {
      values: [],
      failures: [
        {
          value: [key, state],
          name: error instanceof Error ? error.name : 'Error',
          message: error instanceof Error ? error.message : String(error),
        },
      ],
    };
  } finally {
    handle.endTimeout();
  }
}

/**
 * The stored outputs of other partitions a replay of theirs may still need: those within the
 * retention, the most recent {@link MAX_RETAINED_PARTITIONS} at most.
 */
function retainedOutputs(
  outputs: MapWithStateItem['outputs'],
  fold: MapWithStateFold,
): Record<string, StoredOutputs> {
  const entries = Object.entries(outputs ?? {}).filter(
    ([partition, entry]) =>
      partition !== fold.partition && entry.batchTime >= fold.batchTime - OUTPUT_RETENTION_MS,
  );
  if (entries.length > MAX_RETAINED_PARTITIONS) {
    entries.sort(([, a], [, b]) => b.batchTime - a.batchTime);
    entries.length = MAX_RETAINED_PARTITIONS;
  }
  return Object.fromEntries(entries);
}
