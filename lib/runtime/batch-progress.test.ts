import { describe, expect, it } from 'vitest';
import { timedWordPairs } from '../../test/factories/pipelines';
import { textRecords } from '../../test/factories/records';
import { wordCountWorld } from '../../test/factories/word-count-world';
import { WriteAheadLog } from '../checkpoint';
import { type Clock, decodeUtf8, ManualClock, pipeline, slidingWindows } from '../core';
import { MemoryPartitionLedgerStore } from '../ledger';
import { MemoryProgressStore } from '../progress';
import { MemoryDeadLetterSink } from '../sinks';
import { MemoryKeyedStateStore } from '../state';
import { MemoryObjectStore } from '../storage';
import { BatchExecutor } from './batch-executor';
import { createInMemoryRuntime } from './in-memory-runtime';

const PARTITION = 'shardId-000000000000';

/** A clock that moves 1 ms on every reading, so every measured phase takes time. */
function tickingClock(start: number): Clock {
  let now = start;
  return { now: () => now++ };
}

describe('Class: BatchExecutor', () => {
  describe('Feature: progress records', () => {
    it('writes one record per committed batch with its rows, offsets, state updates and phases', async () => {
      // Prepare
      const progress = new MemoryProgressStore();
      const world = wordCountWorld({ progress, clock: tickingClock(1_700_000_000_000) });
      const first = textRecords(['a b', 'a']);
      const second = textRecords(['c'], { firstN: 2 });

      // Act
      await world.executor.processPartition(PARTITION, first);
      await world.executor.processPartition(PARTITION, second);

      // Assess
      const [latest, earliest] = await progress.recent(PARTITION, 10);
      expect(earliest).toMatchObject({
        id: 'word-count@wc',
        runId: 'v1',
        name: 'word-count',
        batchId: 0,
        numInputRows: 2,
        partition: PARTITION,
        replayed: false,
        deadLetters: 0,
        sources: [{ startOffset: first[0]?.offset, endOffset: first[1]?.offset, numInputRows: 2 }],
        stateOperators: [
          { operatorId: 'counts', operatorName: 'updateStateByKey', numRowsUpdated: 2, numRowsRemoved: 0 },
        ],
      });
      expect(latest).toMatchObject({ batchId: 1, numInputRows: 1, stateOperators: [{ numRowsUpdated: 1 }] });
      expect(latest).toHaveProperty('inputRowsPerSecond');
      expect(earliest).not.toHaveProperty('inputRowsPerSecond');
      for (const record of [earliest, latest]) {
        const d = record?.durationMs;
        expect(d?.ledger).toBeGreaterThan(0);
        expect(d?.walCommit).toBeGreaterThan(0);
        expect(d?.state).toBeGreaterThan(0);
        expect(d?.evaluate).toBeGreaterThanOrEqual(d?.state ?? Infinity);
        expect(d?.triggerExecution).toBeGreaterThan(
          (d?.ledger ?? 0) + (d?.walCommit ?? 0) + (d?.evaluate ?? 0) + (d?.outputs ?? 0),
        );
      }
    });

    it('sends a failure event with the error code, and the replay rewrites the batch record as replayed', async () => {
      // Prepare: the first attempt fails in foreachBatch after its state writes
      const progress = new MemoryProgressStore();
      const world = wordCountWorld({ progress, failForeachBatchOnce: true });
      const records = textRecords(['a', 'b']);
      await expect(world.executor.processPartition(PARTITION, records)).rejects.toThrow('sink unavailable');

      // Act
      await world.executor.processPartition(PARTITION, records);

      // Assess
      expect(await progress.failures()).toEqual([
        expect.objectContaining({
          partition: PARTITION,
          errorCode: 'Error',
          message: 'Error: sink unavailable',
          id: 'word-count@wc',
        }),
      ]);
      const recent = await progress.recent(PARTITION, 10);
      expect(recent).toHaveLength(1);
      expect(recent[0]).toMatchObject({ batchId: 0, numInputRows: 2, replayed: true });
    });

    it('times a new batch from its own start when the same call first finished an open batch', async () => {
      // Prepare: the same two batches, once each in its own call, once with the first left open by a crash
      const alone = new MemoryProgressStore();
      const aloneWorld = wordCountWorld({ progress: alone, clock: tickingClock(1_700_000_000_000) });
      const records = textRecords(['a b', 'c']);
      await aloneWorld.executor.processPartition(PARTITION, records.slice(0, 1));
      await aloneWorld.executor.processPartition(PARTITION, records.slice(1));
      const afterReplay = new MemoryProgressStore();
      const replayWorld = wordCountWorld({
        progress: afterReplay,
        clock: tickingClock(1_700_000_000_000),
        failForeachBatchOnce: true,
      });
      await expect(replayWorld.executor.processPartition(PARTITION, records.slice(0, 1))).rejects.toThrow();

      // Act: one call replays batch 0, then claims batch 1
      await replayWorld.executor.processPartition(PARTITION, records);

      // Assess: batch 1's trigger time does not include the replay of batch 0
      const [replayed, next] = (await afterReplay.recent(PARTITION, 2)).reverse();
      const [, own] = (await alone.recent(PARTITION, 2)).reverse();
      expect(replayed).toMatchObject({ batchId: 0, replayed: true });
      expect(next?.batchId).toBe(1);
      expect(next?.durationMs.triggerExecution).toBeLessThanOrEqual(own?.durationMs.triggerExecution ?? 0);
    });

    it('counts updated and removed keys per stateful operator', async () => {
      // Prepare: a count that removes a key when it reaches 2
      const progress = new MemoryProgressStore();
      const counting = pipeline('removals')
        .fromKinesis()
        .map((record) => decodeUtf8(record.value))
        .mapToPair((word) => [word, 1])
        .updateStateByKey<number>(
          (values, state = 0) => {
            const next = values.reduce((a, b) => a + b, state);
            return next >= 2 ? undefined : next;
          },
          { name: 'capped' },
        )
        .print();
      const executor = new BatchExecutor({
        pipeline: counting,
        namespace: 'rm',
        state: new MemoryKeyedStateStore(),
        ledger: new MemoryPartitionLedgerStore(),
        writeAheadLog: new WriteAheadLog(new MemoryObjectStore(), 'rm'),
        deadLetters: new MemoryDeadLetterSink(),
        print: () => undefined,
        progress,
      });
      await executor.processPartition(PARTITION, textRecords(['x', 'y']));

      // Act: x reaches 2 (removed), z is new
      await executor.processPartition(PARTITION, textRecords(['x', 'z'], { firstN: 2 }));

      // Assess
      const [latest] = await progress.recent(PARTITION, 1);
      expect(latest?.stateOperators).toEqual([
        {
          operatorName: 'updateStateByKey',
          operatorId: 'capped',
          numRowsUpdated: 2,
          numRowsRemoved: 1,
          numRowsDroppedByWatermark: 0,
          conflicts: 0,
        },
      ]);
      expect(latest?.runId).toBe('unversioned');
    });

    it('reports the event time, watermark and late elements of a windowed operator', async () => {
      // Prepare: 60 s windows sliding by 10 s, 5 s allowed lateness; after a record at 100 s, one at 20 s is late
      const windowed = timedWordPairs('windowed')
        .reduceByKeyAndWindow(
          (a, b) => a + b,
          slidingWindows({ lengthMs: 60_000, slideMs: 10_000, allowedLatenessMs: 5_000 }),
        )
        .print();
      const runtime = createInMemoryRuntime(windowed, { clock: new ManualClock(1_000_000) });
      await runtime.process(PARTITION, textRecords(['100000 a']));

      // Act
      await runtime.process(PARTITION, textRecords(['96000 b', '20000 c'], { firstN: 1 }));

      // Assess
      const [latest] = await runtime.progressRecords.recent(PARTITION, 1);
      expect(latest?.eventTime).toEqual({
        max: new Date(96_000).toISOString(),
        watermark: new Date(100_000).toISOString(),
      });
      expect(latest?.stateOperators).toEqual([
        expect.objectContaining({ operatorName: 'reduceByKeyAndWindow', numRowsDroppedByWatermark: 1 }),
      ]);
    });
  });
});
