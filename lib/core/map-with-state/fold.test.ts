import { describe, expect, it } from 'vitest';
import type { StateHandle } from './state-handle';
import {
  decideTimeout,
  foldMapWithState,
  MAX_RETAINED_PARTITIONS,
  type MapWithStateOperator,
  OUTPUT_RETENTION_MS,
} from '.';

const T0 = 1_700_000_000_000;

/** A running count that emits its count per value, and `['end', count]` when timing out. */
const counting: MapWithStateOperator = {
  operatorId: 'counts',
  fn: (_key: unknown, value: unknown, state: StateHandle<unknown>) => {
    if (state.isTimingOut()) return ['end', state.get()];
    const count = ((state.getOption() as number | undefined) ?? 0) + (value as number);
    state.update(count);
    return count;
  },
  timeoutMs: 10_000,
  timeoutBucketMs: 1_000,
};

const fold = (stored: unknown, values: number[], batchTime: number, partition = 'p0', mark = '001') =>
  foldMapWithState(counting, { key: 'k', partition, mark, batchTime }, values, stored);

describe('Function: foldMapWithState', () => {
  it('stores the state, the activity time and the outputs under the partition, with the timer to register', () => {
    // Act
    const item = fold(undefined, [1, 2], T0);

    // Assess
    expect(item).toEqual({
      state: 3,
      activeAt: T0,
      outputs: { p0: { mark: '001', batchTime: T0, values: [1, 3], timer: T0 + 11_000 } },
    });
  });

  it('registers no timer when the state it continues expires in the same bucket', () => {
    // Prepare
    const first = fold(undefined, [1], T0);

    // Act
    const sameBucket = fold(first, [1], T0 + 400, 'p1', '002');
    const laterBucket = fold(sameBucket, [1], T0 + 1_000, 'p1', '003');

    // Assess
    expect(sameBucket.outputs?.p1?.timer).toBeUndefined();
    expect(laterBucket.outputs?.p1?.timer).toBe(T0 + 12_000);
  });

  it('times an expired state out first (lazily), then starts afresh; activity never moves backwards', () => {
    // Prepare
    const first = fold(undefined, [5], T0);

    // Act
    const expired = fold(first, [1], T0 + 10_001);
    const older = fold(expired, [1], T0 + 5_000, 'p1', '009');

    // Assess
    expect(expired.outputs?.p0?.values).toEqual([['end', 5], 1]);
    expect(expired.state).toBe(1);
    expect(older.activeAt).toBe(T0 + 10_001);
  });

  it('keeps a timing-out call that throws as a failure and removes the state anyway', () => {
    // Prepare
    const throwing: MapWithStateOperator = {
      ...counting,
      fn: (key, value, state) => {
        if (state.isTimingOut()) throw new RangeError(`no goodbye for ${String(key)}`);
        return counting.fn(key, value, state);
      },
    };
    const first = foldMapWithState(
      throwing,
      { key: 'k', partition: 'p0', mark: '001', batchTime: T0 },
      [2],
      undefined,
    );

    // Act
    const item = foldMapWithState(
      throwing,
      { key: 'k', partition: 'p0', mark: '002', batchTime: T0 + 20_000 },
      [1],
      first,
    );

    // Assess
    expect(item.state).toBe(1);
    expect(item.outputs?.p0?.failures).toEqual([
      { value: ['k', 2], name: 'RangeError', message: 'no goodbye for k' },
    ]);
  });

  it('drops stored outputs of other partitions older than the retention, and keeps the most recent ones', () => {
    // Prepare
    let item = fold(undefined, [1], T0, 'old');
    for (let p = 0; p <= MAX_RETAINED_PARTITIONS; p++)
      item = fold(item, [1], T0 + OUTPUT_RETENTION_MS + p, `p${p}`);

    // Act
    const next = fold(item, [1], T0 + OUTPUT_RETENTION_MS + 1_000, 'new');

    // Assess
    const partitions = Object.keys(next.outputs ?? {});
    expect(partitions).toHaveLength(MAX_RETAINED_PARTITIONS + 1);
    expect(partitions).not.toContain('old');
    expect(partitions).not.toContain('p0');
    expect(partitions).toContain(`p${MAX_RETAINED_PARTITIONS}`);
    expect(partitions).toContain('new');
  });
});

describe('Function: decideTimeout', () => {
  const live = fold(undefined, [4], T0);

  it('times out a state that expired in or before the bucket, keeping everything but the state', () => {
    // Act
    const decision = decideTimeout(counting, 'k', live, T0 + 11_000);

    // Assess
    expect(decision).toEqual({
      kind: 'timeOut',
      timedOut: { bucket: T0 + 11_000, values: [['end', 4]] },
      next: { activeAt: T0, outputs: live.outputs, timedOut: { bucket: T0 + 11_000, values: [['end', 4]] } },
    });
  });

  it('leaves a state that expires after the bucket', () => {
    expect(decideTimeout(counting, 'k', live, T0 + 10_000)).toEqual({ kind: 'none' });
  });

  it('emits again what a timeout in the same bucket stored, and nothing for an earlier bucket', () => {
    // Prepare
    const decision = decideTimeout(counting, 'k', live, T0 + 11_000);
    const timedOut = decision.kind === 'timeOut' ? decision.next : undefined;
    const recreated = fold(timedOut, [1], T0, 'p1', '002');

    // Act / Assess: the re-created state expires in T0 + 11 s too, but that bucket already timed the key out
    expect(decideTimeout(counting, 'k', recreated, T0 + 11_000)).toEqual({
      kind: 'emit',
      timedOut: { bucket: T0 + 11_000, values: [['end', 4]] },
    });
    expect(decideTimeout(counting, 'k', recreated, T0 + 10_000)).toEqual({ kind: 'none' });
    expect(recreated.outputs?.p1?.timer).toBe(T0 + 12_000);
    expect(decideTimeout(counting, 'k', recreated, T0 + 12_000)).toMatchObject({ kind: 'timeOut' });
  });

  it('never times a key out in a bucket before the one of its last timeout', () => {
    // Prepare: timed out late (in T0 + 15 s), then re-created by a batch with an old batch time
    const decision = decideTimeout(counting, 'k', live, T0 + 15_000);
    const recreated = fold(
      decision.kind === 'timeOut' ? decision.next : undefined,
      [1],
      T0 + 100,
      'p1',
      '002',
    );

    // Act / Assess: it expires in T0 + 11 s, but a sweep of T0 + 12 s may not move the last timeout back
    expect(decideTimeout(counting, 'k', recreated, T0 + 12_000)).toEqual({ kind: 'none' });
    expect(recreated.outputs?.p1?.timer).toBe(T0 + 16_000);
  });

  it('has nothing to do for a key without state', () => {
    expect(decideTimeout(counting, 'k', undefined, T0 + 60_000)).toEqual({ kind: 'none' });
  });
});
