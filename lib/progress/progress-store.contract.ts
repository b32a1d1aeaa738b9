import { expect, it } from 'vitest';
import { buildFailureEvent } from './build-progress';
import type { ProgressStore } from './progress-store';
import type { BatchProgress } from './types';

/** A minimal record of `partition`'s batch `batchId` (only what the stores key on matters). */
export function progressRecord(partition: string, batchId: number, numInputRows = 1): BatchProgress {
  return {
    id: 'p@ns',
    runId: 'v1',
    name: 'p',
    timestamp: new Date(1_700_000_000_000 + batchId).toISOString(),
    batchId,
    numInputRows,
    durationMs: { ledger: 1, walCommit: 1, evaluate: 2, state: 1, outputs: 0, triggerExecution: 5 },
    eventTime: {},
    stateOperators: [],
    sources: [
      { description: `kinesis[partition=${partition}]`, startOffset: '1', endOffset: '2', numInputRows },
    ],
    sink: { description: 'print', numOutputRows: -1 },
    partition,
    replayed: false,
    deadLetters: 0,
    schedulingDelayMs: 0,
  };
}

/** The behaviour every {@link ProgressStore} shares: recent N newest first, a replay overwrites, latest failure kept. */
export function progressStoreContract(create: () => Promise<ProgressStore>): void {
  it('returns the recent N records of a partition, newest batch first, and none of another partition', async () => {
    // Prepare: 12 batches (past 10, so a lexical sort of unpadded ids would misorder them)
    const store = await create();
    for (let batch = 0; batch < 12; batch++) await store.write(progressRecord('a.0', batch));
    await store.write(progressRecord('b.1', 0));

    // Act
    const recent = await store.recent('a.0', 3);

    // Assess
    expect(recent.map((record) => record.batchId)).toEqual([11, 10, 9]);
    expect(await store.recent('a.0', 0)).toEqual([]);
    expect((await store.recent('b.1', 5)).map((record) => record.batchId)).toEqual([0]);
  });

  it('keeps one record per batch: a replay of the batch overwrites it', async () => {
    // Prepare
    const store = await create();
    await store.write(progressRecord('a.0', 4, 7));

    // Act
    await store.write({ ...progressRecord('a.0', 4, 7), replayed: true });

    // Assess
    const recent = await store.recent('a.0', 10);
    expect(recent).toHaveLength(1);
    expect(recent[0]).toMatchObject({ batchId: 4, numInputRows: 7, replayed: true });
  });

  it("keeps each partition's latest failure event", async () => {
    // Prepare
    const store = await create();
    const failure = (partition: string, time: number, errorCode: string) =>
      buildFailureEvent({
        pipeline: 'p',
        namespace: 'ns',
        runId: 'v1',
        partition,
        time,
        errorCode,
        message: 'm',
      });

    // Act
    await store.writeFailure(failure('a.0', 1, 'FIRST'));
    await store.writeFailure(failure('a.0', 2, 'SECOND'));
    await store.writeFailure(failure('b.1', 3, 'OTHER'));

    // Assess
    const failures = await store.failures();
    expect(failures.map((event) => [event.partition, event.errorCode]).sort()).toEqual([
      ['a.0', 'SECOND'],
      ['b.1', 'OTHER'],
    ]);
  });
}
