import { describe, expect, it } from 'vitest';
import { useEmbeddedStateTable } from '../../test/support/embedded-state-table';
import { DynamoDbProgressStore } from './dynamodb-progress-store';
import { progressRecord, progressStoreContract } from './progress-store.contract';

describe('Integration: DynamoDbProgressStore on the embedded stack', () => {
  const table = useEmbeddedStateTable('progress-contract');
  const store = (now?: () => number) =>
    new DynamoDbProgressStore({
      client: table.dynamodb(),
      tableName: 'progress-contract',
      namespace: table.namespace(),
      retentionSeconds: 60,
      ...(now === undefined ? {} : { now }),
    });

  describe('Contract: ProgressStore', () => {
    progressStoreContract(async () => store());
  });

  it('skips records past their retention that TTL has not deleted yet', async () => {
    // Prepare: one record written at t, one 30 s later (retention 60 s)
    let now = 1_700_000_000_000;
    const progress = store(() => now);
    await progress.write(progressRecord('a.0', 0));
    now += 30_000;
    await progress.write(progressRecord('a.0', 1));

    // Act: 70 s after the first write, only the second is within its retention
    now += 40_000;
    const recent = await progress.recent('a.0', 5);

    // Assess
    expect(recent.map((record) => record.batchId)).toEqual([1]);
  });
});
