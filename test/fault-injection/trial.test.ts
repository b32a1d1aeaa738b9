import { describe, expect, it } from 'vitest';
import { MemoryPartitionLedgerStore, type PartitionLedgerStore } from '../../lib/ledger';
import { MemoryKeyedStateStore } from '../../lib/state';
import { MemoryObjectStore, type ObjectStore } from '../../lib/storage';
import { MemoryWindowProgressStore } from '../../lib/windows';
import { runTrial } from './trial';

/** A ledger store whose writes fail for good, like a deleted table or revoked permissions. */
function ledgerThatNeverRecovers(): PartitionLedgerStore {
  const inner = new MemoryPartitionLedgerStore();
  return {
    read: (partition) => inner.read(partition),
    write: async () => {
      throw new Error('AccessDeniedException: not authorized to perform dynamodb:PutItem');
    },
    readAll: () => inner.readAll(),
  };
}

describe('Function: runTrial', () => {
  it('fails the trial with the store error when the error never goes away, instead of retrying forever', async () => {
    // Prepare
    const stores = {
      namespace: 'trial-outage',
      state: (largeStates: ObjectStore) => new MemoryKeyedStateStore({ largeStates }),
      ledger: ledgerThatNeverRecovers(),
      objects: new MemoryObjectStore(),
      progress: new MemoryWindowProgressStore(),
    };

    // Act
    const trial = runTrial(1, stores, { partitions: 2, recordsPerPartition: 10, maxBatchSize: 4 });

    // Assess
    await expect(trial).rejects.toThrow(
      /shardId-\d+: \d+ attempts in a row failed with no injected fault; last error: AccessDeniedException: not authorized/,
    );
  }, 20_000);

  it('still completes a trial whose stores only fail by injected crashes', async () => {
    // Prepare
    const stores = {
      namespace: 'trial-crashes',
      state: (largeStates: ObjectStore) => new MemoryKeyedStateStore({ largeStates }),
      ledger: new MemoryPartitionLedgerStore(),
      objects: new MemoryObjectStore(),
      progress: new MemoryWindowProgressStore(),
    };

    // Act
    const report = await runTrial(7, stores, { partitions: 2, recordsPerPartition: 30, maxBatchSize: 6 });

    // Assess
    expect(report.crashes).toBeGreaterThan(0);
    expect(report.actualCounts).toEqual(report.expectedCounts);
  });
});
