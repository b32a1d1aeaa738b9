import { describe, expect, it } from 'vitest';
import { textRecords } from '../../test/factories/records';
import { WriteAheadLog } from '../checkpoint';
import { type BatchContext, decodeUtf8, ManualClock, pipeline, referenceData, s3Json } from '../core';
import { MemoryPartitionLedgerStore } from '../ledger';
import { ReferenceDataCache } from '../reference';
import { MemoryDeadLetterSink } from '../sinks';
import { MemoryKeyedStateStore } from '../state';
import { MemoryObjectStore } from '../storage';
import { BatchExecutor } from './batch-executor';

const PARTITION = 'shardId-000000000000';

/** Clicks (one user per line) without the blacklisted users; the sink fails the first attempt once. */
function blacklistWorld() {
  const blacklist = referenceData<ReadonlySet<string>>('blacklist', {
    source: s3Json('reference', 'blacklist.json'),
    refreshIntervalMs: 0,
    parse: (names) => new Set(names as string[]),
  });
  const delivered: { context: BatchContext; users: readonly string[] }[] = [];
  let failures = 1;
  const clicks = pipeline('clicks')
    .fromKinesis()
    .map((record) => decodeUtf8(record.value))
    .transform((users, { references }) => users.filter((user) => !references.get(blacklist).has(user)), {
      references: [blacklist],
    })
    .foreachBatch((users, context) => {
      if (failures-- > 0) throw new Error('sink unavailable');
      delivered.push({ context, users });
    });
  const stores = {
    state: new MemoryKeyedStateStore(),
    ledger: new MemoryPartitionLedgerStore(),
    objects: new MemoryObjectStore(),
  };
  const source = { blacklisted: ['mallory'] };
  /** A Lambda container: its own executor and reference cache over the shared stores. */
  const container = () =>
    new BatchExecutor({
      pipeline: clicks,
      namespace: 'clicks',
      ...stores,
      writeAheadLog: new WriteAheadLog(stores.objects, 'clicks'),
      deadLetters: new MemoryDeadLetterSink(),
      print: () => undefined,
      clock: new ManualClock(0),
      references: new ReferenceDataCache({
        references: clicks.references,
        loaders: { s3Json: { load: async () => [...source.blacklisted] } },
        snapshots: { store: stores.objects, prefix: 'wal/clicks/references/' },
        clock: new ManualClock(0),
      }),
    });
  return { container, delivered, source };
}

describe('Class: BatchExecutor with versioned reference data', () => {
  it('replays a failed batch with the reference data its first attempt read, in a new container', async () => {
    // Prepare: the first attempt reads blacklist v1, then its sink fails
    const world = blacklistWorld();
    const records = textRecords(['alice', 'mallory', 'trudy']);
    await expect(world.container().processPartition(PARTITION, records)).rejects.toThrow('sink unavailable');

    // Act: the blacklist changes before Lambda retries the batch in a fresh container
    world.source.blacklisted = ['trudy'];
    await world.container().processPartition(PARTITION, records);
    await world.container().processPartition(PARTITION, textRecords(['mallory', 'trudy'], { firstN: 3 }));

    // Assess: the replay keeps v1's outputs under its batch id; the next batch reads v2
    expect(world.delivered.map(({ context, users }) => [context.batchId, users])).toEqual([
      [`${PARTITION}/0`, ['alice', 'trudy']],
      [`${PARTITION}/1`, ['mallory']],
    ]);
  });
});
