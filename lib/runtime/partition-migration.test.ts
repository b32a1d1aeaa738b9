import { describe, expect, it } from 'vitest';
import { textRecords } from '../../test/factories/records';
import { plainWordCount, wordCountWorld } from '../../test/factories/word-count-world';
import { encodeOffsetKey, ErrorCode, type SourceRecord } from '../core';
import { EMPTY_LEDGER } from '../ledger';
import { PartitionHistoryMismatchError } from './batch-executor';

/** The bare shard id: how releases before stream-and-shard partition ids named the partition. */
const LEGACY = 'shardId-000000000000';
/** The partition's id in the stream-and-shard format. */
const PARTITION = 'd7022eb14f26.0';
/** The Kinesis handler's setting. */
const HISTORY = { checkHistory: true } as const;
const LINES = ['a b', 'b c', 'a a', 'c d', 'd a', 'b b'];

const records = (partition: string, first: number, last: number): SourceRecord[] =>
  textRecords(LINES, { partition }).slice(first, last + 1);

describe('Class: BatchExecutor (partition ids of an older format)', () => {
  it('adopts an old-format ledger with an open claim: the claim finishes under the old id, counts stay exact', async () => {
    // Prepare: the old release committed lines 0-1, then claimed lines 2-3, folded them and crashed
    const w = wordCountWorld();
    await w.executor.processPartition(LEGACY, records(LEGACY, 0, 1));
    w.failNextBatch();
    await expect(w.executor.processPartition(LEGACY, records(LEGACY, 2, 3))).rejects.toThrow(
      /sink unavailable/,
    );
    expect((await w.ledger.read(LEGACY)).open).toBeDefined();

    // Act: the new release gets the retry (lines 2-5) under the new id, then a redelivery of everything
    const upgraded = await w.executor.processPartition(PARTITION, records(PARTITION, 2, 5), {
      legacyPartition: LEGACY,
    });
    await w.executor.processPartition(PARTITION, records(PARTITION, 0, 5), { legacyPartition: LEGACY });

    // Assess: every line counted once; the open claim kept its old batch id; numbering continues
    expect(await w.counts()).toEqual(plainWordCount(LINES));
    expect(upgraded).toMatchObject({ batchesCommitted: 2, skippedRecords: 2 });
    expect(w.batches.map((batch) => batch.context.batchId)).toEqual([
      `${LEGACY}/0`,
      `${LEGACY}/1`,
      `${PARTITION}/2`,
    ]);
    // Assess: the old ledger is kept, marked moved, and no longer counts as a partition
    expect(await w.ledger.read(LEGACY)).toMatchObject({ movedTo: PARTITION, open: undefined });
    expect([...(await w.ledger.readAll()).keys()]).toEqual([PARTITION]);
    expect(await w.ledger.read(PARTITION)).toMatchObject({ migratedFrom: LEGACY, nextBatchNumber: 3 });
  });

  it('without the older id, the same upgrade would count the claimed lines twice (why the option exists)', async () => {
    // Prepare
    const w = wordCountWorld();
    await w.executor.processPartition(LEGACY, records(LEGACY, 0, 1));
    w.failNextBatch();
    await expect(w.executor.processPartition(LEGACY, records(LEGACY, 2, 3))).rejects.toThrow(
      /sink unavailable/,
    );

    // Act
    await w.executor.processPartition(PARTITION, records(PARTITION, 0, 5));

    // Assess
    expect(await w.counts()).not.toEqual(plainWordCount(LINES));
  });

  it("honours the old id's fencing marks on state items even where its ledger is behind them", async () => {
    // Prepare: state items hold lines 0-3 folded under the old id, its ledger only lines 0-1 (a late
    // attempt of the old release that folded past the ledger, as fencing allows)
    const old = wordCountWorld();
    await old.executor.processPartition(LEGACY, records(LEGACY, 0, 3));
    const w = wordCountWorld({ state: old.state });
    const line1 = encodeOffsetKey(records(LEGACY, 1, 1)[0]?.offset ?? '');
    await w.ledger.write(
      LEGACY,
      { ...EMPTY_LEDGER, version: 1, committedOffsetKey: line1, nextBatchNumber: 1 },
      0,
    );

    // Act
    await w.executor.processPartition(PARTITION, records(PARTITION, 2, 5), { legacyPartition: LEGACY });

    // Assess: lines 2-3 were fenced by the old id's marks, lines 4-5 folded
    expect(await w.counts()).toEqual(plainWordCount(LINES));
  });
});

describe('Class: BatchExecutor (history check)', () => {
  it('fails loudly on a delivery wholly at or below the committed offset that reaches below the first claimed offset', async () => {
    // Prepare: the ledger's history starts at line 3 (a stream recreated with lower sequence numbers delivers lines 0-2 next)
    const w = wordCountWorld();
    await w.executor.processPartition(PARTITION, records(PARTITION, 3, 5), HISTORY);

    // Act
    const foreign = w.executor.processPartition(PARTITION, records(PARTITION, 0, 2), HISTORY);

    // Assess
    await expect(foreign).rejects.toBeInstanceOf(PartitionHistoryMismatchError);
    await expect(foreign).rejects.toMatchObject({ code: ErrorCode.PartitionHistoryMismatch });
    await expect(foreign).rejects.toThrow(/deleted and recreated.*SPARKLESS_STATE_NAMESPACE/);
    expect(await w.counts()).toEqual(plainWordCount(LINES.slice(3)));
  });

  it('fails loudly on records at or below the committed offset that arrived after everything the ledger committed', async () => {
    // Prepare: lines 0-5 committed; the recreated stream's numbers fall inside that range, but its records are newer
    const w = wordCountWorld();
    await w.executor.processPartition(PARTITION, records(PARTITION, 0, 5), HISTORY);
    const recreated = records(PARTITION, 2, 3).map((record) => ({
      ...record,
      arrivalTime: record.arrivalTime + 60_000,
    }));
    const beyond = {
      ...(records(PARTITION, 5, 5)[0] as SourceRecord),
      offset: '9'.repeat(60),
      arrivalTime: 1_800_000_000_000,
    };

    // Act
    const whole = w.executor.processPartition(PARTITION, recreated, HISTORY);
    const mixed = w.executor.processPartition(PARTITION, [...recreated, beyond], HISTORY);

    // Assess: neither is skipped silently, and the mixed delivery's new record is not processed either
    await expect(whole).rejects.toThrow(
      /record \d+ \(arrived .*\) is at or below the committed offset.*never claimed it/,
    );
    await expect(mixed).rejects.toBeInstanceOf(PartitionHistoryMismatchError);
    expect(await w.counts()).toEqual(plainWordCount(LINES));
  });

  it('still skips true redeliveries, whole or cut, of what the ledger claimed', async () => {
    // Prepare
    const w = wordCountWorld();
    await w.executor.processPartition(PARTITION, records(PARTITION, 3, 4), HISTORY);
    await w.executor.processPartition(PARTITION, records(PARTITION, 5, 5), HISTORY);

    // Act
    const whole = await w.executor.processPartition(PARTITION, records(PARTITION, 3, 5), HISTORY);
    const cut = await w.executor.processPartition(PARTITION, records(PARTITION, 4, 4), HISTORY);

    // Assess
    expect(whole).toMatchObject({ batchesCommitted: 0, skippedRecords: 3 });
    expect(cut).toMatchObject({ batchesCommitted: 0, skippedRecords: 1 });
    expect(await w.counts()).toEqual(plainWordCount(LINES.slice(3)));
  });
});
