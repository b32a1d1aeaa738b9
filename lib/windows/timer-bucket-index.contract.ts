import { expect, it } from 'vitest';
import type { WindowProgressStore } from './window-progress-store';

/**
 * The versioned timer bucket index every {@link WindowProgressStore} shares (the part `mapWithState`
 * timeouts rely on), run against the memory twin and the DynamoDB adapter alike. `make` gives a
 * store on a fresh namespace for each case.
 */
export function timerBucketIndexContract(make: () => Promise<WindowProgressStore>): void {
  it('reads back added buckets with their versions, in bucket order', async () => {
    // Prepare
    const store = await make();

    // Act
    const added = await store.addBuckets('op@timeouts', [3_000, 1_000, 3_000]);

    // Assess
    const version = added.get(1_000);
    expect(version).toBeDefined();
    expect(added).toEqual(
      new Map([
        [1_000, version],
        [3_000, version],
      ]),
    );
    expect([...(await store.readBuckets('op@timeouts'))]).toEqual([
      [1_000, version],
      [3_000, version],
    ]);
    expect(await store.readBuckets('other@timeouts')).toEqual(new Map());
  });

  it('gives every add a new version, so a removal with an older one fails', async () => {
    // Prepare
    const store = await make();
    const first = (await store.addBuckets('op@timeouts', [1_000])).get(1_000) ?? 0;
    const second = (await store.addBuckets('op@timeouts', [1_000])).get(1_000) ?? 0;

    // Act
    const stale = await store.removeBucket('op@timeouts', 1_000, first);
    const current = await store.removeBucket('op@timeouts', 1_000, second);

    // Assess
    expect(second).toBeGreaterThan(first);
    expect(stale).toBe(false);
    expect(current).toBe(true);
    expect(await store.readBuckets('op@timeouts')).toEqual(new Map());
  });

  it('never gives a version twice, even after a removal (a stale remover cannot remove a re-added bucket)', async () => {
    // Prepare
    const store = await make();
    const first = (await store.addBuckets('op@timeouts', [1_000])).get(1_000) ?? 0;
    await store.removeBucket('op@timeouts', 1_000, first);
    await store.addBuckets('op@timeouts', [1_000]);

    // Act
    const stale = await store.removeBucket('op@timeouts', 1_000, first);

    // Assess
    expect(stale).toBe(false);
    expect([...(await store.readBuckets('op@timeouts')).keys()]).toEqual([1_000]);
  });

  it('keeps the bucket index apart from the pane index and frontier of the same id', async () => {
    // Prepare
    const store = await make();
    await store.addPanes('op@timeouts', [5]);
    await store.advanceFrontier('op@timeouts', 7);

    // Act
    await store.addBuckets('op@timeouts', [1_000]);

    // Assess
    expect(await store.read('op@timeouts')).toEqual({ frontier: 7, panes: [5] });
    expect([...(await store.readBuckets('op@timeouts')).keys()]).toEqual([1_000]);
  });
}
