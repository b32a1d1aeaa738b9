import { describe, expect, it } from 'vitest';
import { textRecords } from '../../test/factories/records';
import { wordCountProgressWorld } from '../../test/factories/word-count-world';
import { recentProgress, status } from './status';

const A = 'stream-a.0';
const B = 'stream-a.1';

describe('Function: status', () => {
  it('waits for the first batch when no partition has been seen', async () => {
    // Act
    const result = await status(wordCountProgressWorld().sources);

    // Assess
    expect(result).toEqual({
      id: 'word-count@wc',
      message: 'Waiting for the first batch',
      isDataAvailable: false,
      isTriggerActive: false,
      partitions: [],
    });
  });

  it("shows every partition's committed offset and batches, and waits for data when all are committed", async () => {
    // Prepare
    const running = wordCountProgressWorld();
    const a = textRecords(['x y', 'x'], { partition: A });
    const b = textRecords(['z'], { partition: B, firstN: 5 });
    await running.executor.processPartition(A, a);
    await running.executor.processPartition(B, b);

    // Act
    const result = await status(running.sources);

    // Assess
    expect(result).toMatchObject({
      message: 'Waiting for data to arrive',
      isDataAvailable: false,
      isTriggerActive: false,
    });
    expect(result.partitions).toEqual([
      expect.objectContaining({
        partition: A,
        committedOffset: a[1]?.offset,
        batchesCommitted: 1,
        failing: false,
      }),
      expect.objectContaining({
        partition: B,
        committedOffset: b[0]?.offset,
        batchesCommitted: 1,
        failing: false,
      }),
    ]);
    expect(result.partitions[0]).not.toHaveProperty('openBatch');
  });

  it('shows the open batch and the last failure of a blocked partition until its retry commits', async () => {
    // Prepare: B's second batch fails after its claim
    const running = wordCountProgressWorld();
    await running.executor.processPartition(A, textRecords(['x'], { partition: A }));
    await running.executor.processPartition(B, textRecords(['y'], { partition: B }));
    running.clock.advance(1_000);
    running.failNextBatch();
    const retried = textRecords(['z'], { partition: B, firstN: 1 });
    await expect(running.executor.processPartition(B, retried)).rejects.toThrow('sink unavailable');

    // Act
    const blocked = await status(running.sources);
    running.clock.advance(1_000);
    await running.executor.processPartition(B, retried);
    const recovered = await status(running.sources);

    // Assess
    expect(blocked).toMatchObject({ isDataAvailable: true, isTriggerActive: true });
    expect(blocked.message).toMatch(
      /^Retrying failed batches on 1 of 2 partition\(s\): stream-a\.1 failed with Error/,
    );
    expect(blocked.partitions[1]).toMatchObject({
      partition: B,
      failing: true,
      openBatch: { batchId: 1, startOffset: retried[0]?.offset, endOffset: retried[0]?.offset },
      lastFailure: { errorCode: 'Error', message: 'Error: sink unavailable' },
    });
    expect(recovered).toMatchObject({ message: 'Waiting for data to arrive', isTriggerActive: false });
    expect(recovered.partitions[1]).toMatchObject({ failing: false, committedOffset: retried[0]?.offset });
  });
});

describe('Function: recentProgress', () => {
  it('returns the n most recent records across partitions, oldest first', async () => {
    // Prepare: batches alternate between the partitions, 1 s apart
    const running = wordCountProgressWorld();
    for (let i = 0; i < 3; i++) {
      for (const partition of [A, B]) {
        await running.executor.processPartition(partition, textRecords([`w${i}`], { partition, firstN: i }));
        running.clock.advance(1_000);
      }
    }

    // Act
    const recent = await recentProgress(running.sources, 4);

    // Assess
    expect(recent.map((record) => [record.partition, record.batchId])).toEqual([
      [A, 1],
      [B, 1],
      [A, 2],
      [B, 2],
    ]);
    expect(await recentProgress(running.sources, 0)).toEqual([]);
  });

  it('reads only the most recently active partitions when the rest cannot hold newer records', async () => {
    // Prepare: 20 partitions (a file source: one per object), one batch each, 1 s apart
    const running = wordCountProgressWorld();
    const partitions = Array.from({ length: 20 }, (_, i) => `file.${String(i).padStart(2, '0')}`);
    for (const partition of partitions) {
      await running.executor.processPartition(partition, textRecords(['w'], { partition }));
      running.clock.advance(1_000);
    }
    const read: string[] = [];
    const counting = {
      ...running.sources,
      progress: {
        recent: (partition: string, n: number) => {
          read.push(partition);
          return running.progress.recent(partition, n);
        },
        failures: () => running.progress.failures(),
      },
    };

    // Act
    const recent = await recentProgress(counting, 2);

    // Assess: the two newest, found without reading every partition
    expect(recent.map((record) => record.partition)).toEqual(['file.18', 'file.19']);
    expect(read.length).toBeLessThan(partitions.length);
    expect(read).toEqual(expect.arrayContaining(['file.18', 'file.19']));
  });
});
