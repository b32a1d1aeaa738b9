import { expect, it } from 'vitest';
import { ErrorCode } from '../core';
import type { ObjectStore } from '../storage';
import type { KeyedStateStore, StoredState } from './keyed-state-store';

/** What a contract run needs: a store over a fresh namespace, and the object store its large states go to. */
export interface KeyedStateStoreUnderTest {
  readonly store: KeyedStateStore;
  /** Where the store keeps states too large for an item (its `largeStates`). */
  readonly objects: ObjectStore;
  /** The namespace of `store` (objects live under `state/<namespace>/`). */
  readonly namespace: string;
}

/** A key id of 3,000 characters (a JSON string), above DynamoDB's 2,048- and 1,024-byte key limits. */
export const LONG_KEY_ID = JSON.stringify('k'.repeat(2_998));
/** A state of about 1 MB, above DynamoDB's 400 KB item limit. */
export const LARGE_STATE = Array.from({ length: 4 }, (_, i) => String(i).repeat(250_000));

const state = (
  value: unknown,
  version: number,
  marks: Record<string, string> = { p0: '05101' },
): StoredState => ({
  value,
  version,
  marks,
});

/**
 * The behaviour every {@link KeyedStateStore} shares, run against the in-memory twin and the
 * DynamoDB adapter alike: keys of any length, states above DynamoDB's item size kept in the object
 * store, conditional writes. `make` gives a store on a fresh namespace for each case.
 */
export function keyedStateStoreContract(make: () => Promise<KeyedStateStoreUnderTest>): void {
  it('stores and finds a key of 3,000 characters by get, getMany, scan and queryGroup', async () => {
    // Prepare
    const { store } = await make();

    // Act
    const plain = await store.put('counts', { keyId: LONG_KEY_ID }, state(7, 1), undefined);
    const grouped = await store.put('panes', { keyId: LONG_KEY_ID, group: 'g' }, state(8, 1), undefined);

    // Assess
    expect([plain, grouped]).toEqual([{ written: true }, { written: true }]);
    expect(await store.get('counts', { keyId: LONG_KEY_ID })).toEqual(state(7, 1));
    expect(await store.getMany('counts', [{ keyId: LONG_KEY_ID }, { keyId: '"absent"' }])).toEqual(
      new Map([[LONG_KEY_ID, state(7, 1)]]),
    );
    expect(await store.scan('counts')).toEqual(new Map([[LONG_KEY_ID, 7]]));
    expect(await store.queryGroup('panes', 'g')).toEqual(new Map([[LONG_KEY_ID, state(8, 1)]]));
  });

  it('fences writes of a long key on its version like any other', async () => {
    // Prepare
    const { store } = await make();
    await store.put('counts', { keyId: LONG_KEY_ID }, state(1, 1), undefined);

    // Act
    const stale = await store.put('counts', { keyId: LONG_KEY_ID }, state(5, 1), undefined);
    const current = await store.put('counts', { keyId: LONG_KEY_ID }, state(2, 2), 1);

    // Assess
    // `current` is the winner's item when the store returns it (dynalite does not)
    expect(stale).toEqual({
      written: false,
      current: stale.written ? undefined : stale.current && state(1, 1),
    });
    expect(current).toEqual({ written: true });
    expect(await store.get('counts', { keyId: LONG_KEY_ID })).toEqual(state(2, 2));
  });

  it('keeps a state above 400 KB in the object store, and deletes the replaced object', async () => {
    // Prepare
    const { store, objects, namespace } = await make();
    const prefix = `state/${namespace}/`;

    // Act
    await store.put('lists', { keyId: '"a"' }, state(LARGE_STATE, 1), undefined);
    const first = await objects.list(prefix);
    await store.put('lists', { keyId: '"a"' }, state([...LARGE_STATE, 'x'], 2), 1);
    const second = await objects.list(prefix);
    await store.put('lists', { keyId: '"a"' }, state(['small'], 3), 2);

    // Assess
    expect(first).toHaveLength(1);
    expect(second).toHaveLength(1);
    expect(second).not.toEqual(first);
    expect(await objects.list(prefix)).toEqual([]);
    expect(await store.get('lists', { keyId: '"a"' })).toEqual(state(['small'], 3));
  });

  it('reads a large state of a long key back by every read, grouped or not', async () => {
    // Prepare
    const { store } = await make();

    // Act
    await store.put('lists', { keyId: LONG_KEY_ID }, state(LARGE_STATE, 1), undefined);
    await store.put('panes', { keyId: LONG_KEY_ID, group: 'g' }, state(LARGE_STATE, 1), undefined);

    // Assess
    expect(await store.get('lists', { keyId: LONG_KEY_ID })).toEqual(state(LARGE_STATE, 1));
    expect(await store.getMany('lists', [{ keyId: LONG_KEY_ID }])).toEqual(
      new Map([[LONG_KEY_ID, state(LARGE_STATE, 1)]]),
    );
    expect(await store.scan('lists')).toEqual(new Map([[LONG_KEY_ID, LARGE_STATE]]));
    expect(await store.queryGroup('panes', 'g')).toEqual(new Map([[LONG_KEY_ID, state(LARGE_STATE, 1)]]));
  });

  it('deletes the object of a write that lost its race, keeping the winner', async () => {
    // Prepare
    const { store, objects, namespace } = await make();
    await store.put('lists', { keyId: '"a"' }, state(['v1'], 1), undefined);
    await store.put('lists', { keyId: '"a"' }, state(LARGE_STATE, 2), 1);

    // Act: a writer that read version 1 loses against the stored version 2
    const lost = await store.put('lists', { keyId: '"a"' }, state([...LARGE_STATE, 'late'], 2), 1);

    // Assess
    expect(lost).toEqual({
      written: false,
      current: lost.written ? undefined : lost.current && state(LARGE_STATE, 2),
    });
    expect(await objects.list(`state/${namespace}/`)).toHaveLength(1);
    expect(await store.get('lists', { keyId: '"a"' })).toEqual(state(LARGE_STATE, 2));
  });

  it('fails with STATE_OBJECT_MISSING when an unchanged item points to an object that is gone', async () => {
    // Prepare
    const { store, objects, namespace } = await make();
    await store.put('lists', { keyId: '"a"' }, state(LARGE_STATE, 1), undefined);
    for (const key of await objects.list(`state/${namespace}/`)) await objects.delete(key);

    // Act
    const read = store.get('lists', { keyId: '"a"' });

    // Assess
    await expect(read).rejects.toMatchObject({ code: ErrorCode.StateObjectMissing });
  });
}
