import { describe, expect, it, vi } from 'vitest';
import { textRecords } from '../../test/factories/records';
import { decodeUtf8, ManualClock, pipeline } from '../core';
import type { BatchFailureEvent, BatchProgress } from '../progress';
import { createInMemoryRuntime } from './in-memory-runtime';

const PARTITION = 'shardId-000000000000';
const T0 = 1_700_000_000_000;

/** A word count whose `foreachBatch` fails `failures` times, with a listener recording every call. */
function listenedWordCount(failures = 0) {
  let remaining = failures;
  const progress: BatchProgress[] = [];
  const failed: BatchFailureEvent[] = [];
  const counting = pipeline('listened-count')
    .fromKinesis()
    .map((record) => decodeUtf8(record.value))
    .mapToPair((word) => [word, 1] as const)
    .updateStateByKey<number>((values, state) => (state ?? 0) + values.length, { name: 'counts' })
    .foreachBatch(() => {
      if (remaining > 0) {
        remaining--;
        throw new Error('sink unavailable');
      }
    })
    .onProgress((record) => void progress.push(record))
    .onFailure((event) => void failed.push(event));
  return { counting, progress, failed };
}

describe('Class: BatchExecutor', () => {
  describe('Feature: progress listeners', () => {
    it('calls onProgress once per committed batch with its progress record', async () => {
      // Prepare
      const { counting, progress } = listenedWordCount();
      const runtime = createInMemoryRuntime(counting, { clock: new ManualClock(T0) });

      // Act
      await runtime.process(PARTITION, textRecords(['a', 'b']));
      await runtime.process(PARTITION, textRecords(['c'], { firstN: 2 }));

      // Assess: the records handed to the listener are the ones the progress store kept
      expect(progress.map((record) => [record.batchId, record.numInputRows, record.replayed])).toEqual([
        [0, 2, false],
        [1, 1, false],
      ]);
      expect(progress).toEqual((await runtime.progressRecords.recent(PARTITION, 10)).reverse());
      expect(progress[0]).toMatchObject({ id: 'listened-count@listened-count', partition: PARTITION });
    });

    it('calls onFailure for a failed attempt, not onProgress, then onProgress with replayed: true', async () => {
      // Prepare
      const { counting, progress, failed } = listenedWordCount(1);
      const runtime = createInMemoryRuntime(counting, { clock: new ManualClock(T0) });
      const records = textRecords(['a', 'b']);
      await expect(runtime.process(PARTITION, records)).rejects.toThrow('sink unavailable');
      expect(progress).toEqual([]);
      expect(failed).toEqual([
        expect.objectContaining({ partition: PARTITION, message: 'Error: sink unavailable' }),
      ]);

      // Act
      await runtime.process(PARTITION, records);

      // Assess
      expect(progress).toEqual([expect.objectContaining({ batchId: 0, numInputRows: 2, replayed: true })]);
      expect(failed).toHaveLength(1);
    });

    it('does not call onProgress for a batch whose commit failed', async () => {
      // Prepare: the ledger write that commits (no open batch left) fails once
      const { counting, progress, failed } = listenedWordCount();
      const runtime = createInMemoryRuntime(counting, { clock: new ManualClock(T0) });
      const ledger = runtime.stores.ledger;
      const write = ledger.write.bind(ledger);
      let failCommit = true;
      vi.spyOn(ledger, 'write').mockImplementation(async (partition, entry, version) => {
        if (failCommit && entry.open === undefined && entry.committedOffsetKey !== undefined) {
          failCommit = false;
          throw new Error('ledger unavailable');
        }
        return write(partition, entry, version);
      });
      const records = textRecords(['a', 'b']);

      // Act
      await expect(runtime.process(PARTITION, records)).rejects.toThrow('ledger unavailable');

      // Assess: the record was written before the commit, but no listener heard of the batch
      expect(await runtime.progressRecords.recent(PARTITION, 10)).toHaveLength(1);
      expect(progress).toEqual([]);
      expect(failed).toEqual([expect.objectContaining({ message: 'Error: ledger unavailable' })]);
      await runtime.process(PARTITION, records);
      expect(progress).toEqual([expect.objectContaining({ batchId: 0, replayed: true })]);
    });

    it('keeps the batch committed when a listener throws: logs, counts, and calls the other listeners', async () => {
      // Prepare
      const { counting, progress } = listenedWordCount();
      counting.addListener({
        onProgress: () => {
          throw new Error('listener bug');
        },
      });
      const after: number[] = [];
      counting.onProgress((record) => void after.push(record.batchId));
      const runtime = createInMemoryRuntime(counting, { clock: new ManualClock(T0) });
      const warn = vi.spyOn(console, 'warn').mockImplementation(() => undefined);

      // Act
      const result = await runtime.process(PARTITION, textRecords(['a', 'a']));

      // Assess
      expect(warn).toHaveBeenCalledWith(expect.stringContaining('listener bug'));
      warn.mockRestore();
      expect(result.batchesCommitted).toBe(1);
      expect((await runtime.stateOf('counts')).get('a')).toBe(2);
      expect(progress).toHaveLength(1);
      expect(after).toEqual([0]);
      expect(runtime.metrics.listenerFailures).toEqual([
        expect.objectContaining({ pipeline: 'listened-count', partition: PARTITION, callback: 'onProgress' }),
      ]);
      const again = await runtime.process(PARTITION, textRecords(['a', 'a']));
      expect(again.batchesCommitted).toBe(0);
    });
  });
});
