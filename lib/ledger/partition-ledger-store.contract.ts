import fc from 'fast-check';
import { expect, it } from 'vitest';
import { decodeOffsetKey, encodeOffsetKey } from '../core';
import { EMPTY_LEDGER, type LedgerEntry, type PartitionLedgerStore } from './partition-ledger';

/** Options of {@link partitionLedgerStoreContract}. */
export interface PartitionLedgerStoreContractOptions {
  /** Property runs (generated histories) of the compare-and-set property. */
  readonly numRuns: number;
}

/**
 * One round of a generated history: writers that read the same version race to write it, then
 * writers that must lose try their luck one at a time.
 */
interface Round {
  /** How far each racing writer moves the committed offset (two at least, 0 rewrites it in place). */
  readonly advances: readonly bigint[];
  /** How far a late writer holding the current version tries to move the committed offset back (1 at least). */
  readonly setback: bigint;
  /** Whether the racing writers also claim an open batch. */
  readonly claims: boolean;
}

const SEQUENCE_NUMBER_SPAN = 10n ** 56n;

/** Histories of rounds on one partition, from a first committed offset. */
const histories: fc.Arbitrary<{ readonly start: bigint; readonly rounds: readonly Round[] }> = fc.record({
  /** The first committed offset: from 1 (so there is always room to move back) to Kinesis' 56 digits. */
  start: fc.bigInt({ min: 1n, max: SEQUENCE_NUMBER_SPAN }),
  rounds: fc.array(
    fc.record({
      advances: fc.array(fc.bigInt({ min: 0n, max: SEQUENCE_NUMBER_SPAN }), { minLength: 2, maxLength: 4 }),
      setback: fc.bigInt({ min: 1n, max: SEQUENCE_NUMBER_SPAN }),
      claims: fc.boolean(),
    }),
    { minLength: 1, maxLength: 5 },
  ),
});

/** The entry a writer proposes: every field set, `tag` telling the writers apart. */
function proposal(read: LedgerEntry, committed: bigint, tag: number, claims: boolean): LedgerEntry {
  const committedOffsetKey = encodeOffsetKey(committed.toString());
  return {
    version: read.version + 1,
    committedOffsetKey,
    nextBatchNumber: read.nextBatchNumber + 1,
    open: claims
      ? {
          batchNumber: read.nextBatchNumber + 1,
          firstOffsetKey: encodeOffsetKey((committed + 1n).toString()),
          lastOffsetKey: encodeOffsetKey((committed + 1n + BigInt(tag)).toString()),
          walKey: `wal/contract/${tag}`,
          batchTime: 1_700_000_000_000 + tag,
        }
      : undefined,
    maxEventTime: 1_700_000_000_000 + tag,
    eventTimeFloor: 1_699_999_000_000 + tag,
    lastActiveAt: 1_700_000_500_000 + tag,
  };
}

/**
 * The contract every {@link PartitionLedgerStore} keeps, run against the memory twin (unit test)
 * and the DynamoDB adapter on the emulator (integration test) alike: writes are compare-and-set on
 * the version, and the committed offset never moves backwards (nor disappears). `make` gives a store
 * on a fresh namespace for each case and property run.
 *
 * Every generated history races two or more writers on the same version (on a new partition first,
 * where the version is 0) and then has a writer with the current version try to move the committed
 * offset back or drop it, so a store that loses either condition fails on the first run.
 */
export function partitionLedgerStoreContract(
  make: () => Promise<PartitionLedgerStore>,
  options: PartitionLedgerStoreContractOptions,
): void {
  it('reads a partition never written as the empty ledger', async () => {
    // Prepare
    const store = await make();

    // Act
    const entry = await store.read('shardId-000000000000');

    // Assess
    expect(entry).toEqual(EMPTY_LEDGER);
    expect(await store.readAll()).toEqual(new Map());
  });

  it('round-trips every field, and readAll returns each partition of its namespace only', async () => {
    // Prepare
    const store = await make();
    const neighbour = await make();
    const first = proposal(EMPTY_LEDGER, 49590338271490256608559692538361571095921575989136588898n, 1, true);
    const second = proposal(EMPTY_LEDGER, 7n, 2, false);

    // Act
    const written = [
      await store.write('shardId-000000000000', first, 0),
      await store.write('shardId-000000000001', second, 0),
      await neighbour.write('shardId-000000000000', second, 0),
    ];

    // Assess
    expect(written).toEqual([true, true, true]);
    expect(await store.read('shardId-000000000000')).toEqual(first);
    expect(await store.readAll()).toEqual(
      new Map([
        ['shardId-000000000000', first],
        ['shardId-000000000001', second],
      ]),
    );
  });

  it('lets exactly one of the writers racing on a version win, and never moves the committed offset back', async () => {
    await fc.assert(
      fc.asyncProperty(histories, async ({ start, rounds }) => {
        // Prepare
        const store = await make();
        const partition = 'shardId-000000000007';
        let committed = start;
        let previous = await store.read(partition);
        let tag = 0;

        for (const round of rounds) {
          // Act: writers that all read the same version race to write it
          const read = await store.read(partition);
          const proposals = round.advances.map((advance) =>
            proposal(read, committed + advance, ++tag, round.claims),
          );
          const won = await Promise.all(proposals.map((next) => store.write(partition, next, read.version)));

          // Assess: one winner, and the ledger holds exactly its entry
          expect(won.filter(Boolean)).toHaveLength(1);
          const winner = proposals[won.indexOf(true)] as LedgerEntry;
          expect(await store.read(partition)).toEqual(winner);
          committed = BigInt(decodeOffsetKey(winner.committedOffsetKey ?? ''));

          // Act: a writer still holding the version before the race writes
          const stale = await store.write(
            partition,
            proposal(previous, committed + 1n, ++tag, false),
            previous.version,
          );

          // Act: writers holding the current version move the committed offset back, or drop it
          const back = committed - round.setback < 0n ? 0n : committed - round.setback;
          const backwards = await store.write(
            partition,
            proposal(winner, back, ++tag, false),
            winner.version,
          );
          const dropped = await store.write(
            partition,
            { ...proposal(winner, committed, ++tag, false), committedOffsetKey: undefined },
            winner.version,
          );

          // Assess: none of them changed anything
          expect({ stale, backwards, dropped }).toEqual({ stale: false, backwards: false, dropped: false });
          expect(await store.read(partition)).toEqual(winner);
          previous = winner;
        }
        expect(await store.readAll()).toEqual(new Map([[partition, previous]]));
      }),
      { numRuns: options.numRuns },
    );
  });
}
