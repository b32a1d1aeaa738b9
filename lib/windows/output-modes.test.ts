import { describe, expect, it } from 'vitest';
import { sequenceNumber } from '../../test/factories/records';
import {
  type BatchContext,
  decodeUtf8,
  ManualClock,
  OutputMode,
  pipeline,
  type SourceRecord,
  slidingWindows,
  type WindowedRow,
  windowTableGroups,
} from '../core';
import { createInMemoryRuntime } from '../runtime';

const SPEC = slidingWindows({ lengthMs: 60_000, slideMs: 10_000, allowedLatenessMs: 5_000 });
const SHARD_0 = 'shardId-000000000000';
const SHARD_1 = 'shardId-000000000001';

type Row = WindowedRow<string, number>;

interface Emitted {
  readonly batchId: string;
  readonly rows: readonly Row[];
}

/** `"<eventTimeMs> <word>"` lines counted per word over 60 s windows sliding by 10 s, in `mode`. */
function windowedCounts(
  mode: typeof OutputMode.Update | typeof OutputMode.Complete,
  options: { readonly failOnce?: boolean } = {},
) {
  const emitted: Emitted[] = [];
  let failures = options.failOnce === true ? 1 : 0;
  const counts = pipeline('windowed-counts')
    .fromKinesis()
    .map((record) => decodeUtf8(record.value).split(' '))
    .withTimestamps(([time]) => Number(time))
    .mapToPair(([, word]) => [word ?? '', 1])
    .reduceByKeyAndWindow((a, b) => a + b, SPEC, { outputMode: mode, keepLateData: true, name: 'counts' })
    .foreachBatch((rows: readonly Row[], context: BatchContext) => {
      if (failures-- > 0) throw new Error('sink unavailable');
      emitted.push({ batchId: context.batchId, rows });
    });
  return { counts, emitted };
}

function records(partition: string, lines: readonly string[], firstN = 0): SourceRecord[] {
  return lines.map((line, i) => ({
    partition,
    offset: sequenceNumber(firstN + i),
    key: undefined,
    value: new TextEncoder().encode(line),
    arrivalTime: 0,
  }));
}

/** `word@[start s, end s)=value#revision` for compact assertions. */
function show(rows: readonly Row[]): string[] {
  return rows.map(
    ({ window, key, value, revision }) =>
      `${key}@[${window.start / 1000},${window.end / 1000})=${value}#${revision}`,
  );
}

describe('Output mode: update', () => {
  it('emits, after each batch, the current result of every (window, key) the batch changed', async () => {
    // Prepare
    const { counts, emitted } = windowedCounts(OutputMode.Update);
    const runtime = createInMemoryRuntime(counts, { clock: new ManualClock(0) });

    // Act
    await runtime.process(SHARD_0, records(SHARD_0, ['1000 spark', '12000 spark']));
    await runtime.process(SHARD_0, records(SHARD_0, ['15000 lambda', '16000 spark'], 2));

    // Assess: every window containing a record is emitted, with its count so far and a rising revision
    expect(show(emitted[0]?.rows ?? [])).toEqual([
      'spark@[-50,10)=1#1',
      'spark@[-40,20)=2#1',
      'spark@[-30,30)=2#1',
      'spark@[-20,40)=2#1',
      'spark@[-10,50)=2#1',
      'spark@[0,60)=2#1',
      'spark@[10,70)=1#1',
    ]);
    expect(show(emitted[1]?.rows ?? [])).toEqual([
      'lambda@[-40,20)=1#1',
      'spark@[-40,20)=3#2',
      'lambda@[-30,30)=1#1',
      'spark@[-30,30)=3#2',
      'lambda@[-20,40)=1#1',
      'spark@[-20,40)=3#2',
      'lambda@[-10,50)=1#1',
      'spark@[-10,50)=3#2',
      'lambda@[0,60)=1#1',
      'spark@[0,60)=3#2',
      'lambda@[10,70)=1#1',
      'spark@[10,70)=2#2',
    ]);
    expect(emitted.map((batch) => batch.batchId)).toEqual([`${SHARD_0}/0`, `${SHARD_0}/1`]);
  });

  it('updates the still-open windows of an out-of-order record and drops a record late for all of them', async () => {
    // Prepare: the clock is 100 s after batch 1, so windows ending at or before 95 s are closed
    const { counts, emitted } = windowedCounts(OutputMode.Update);
    const runtime = createInMemoryRuntime(counts, { clock: new ManualClock(0) });
    await runtime.process(SHARD_0, records(SHARD_0, ['100000 a']));

    // Act: 89 s belongs to windows ending 90 s ... 140 s (90 s is closed); 20 s only to closed ones
    await runtime.process(SHARD_0, records(SHARD_0, ['89000 b', '20000 c'], 1));

    // Assess
    expect(show(emitted[1]?.rows ?? [])).toEqual([
      'b@[40,100)=1#1',
      'b@[50,110)=1#1',
      'b@[60,120)=1#1',
      'b@[70,130)=1#1',
      'b@[80,140)=1#1',
    ]);
    expect(runtime.metrics.batches.map((batch) => batch.lateRecords)).toEqual([0, 1]);
    expect([...runtime.lateData.entries.values()].map((entry) => entry.value)).toEqual([['c', 1]]);
  });

  it('gives concurrent partitions rising revisions, so the latest revision holds the complete count', async () => {
    // Prepare
    const { counts, emitted } = windowedCounts(OutputMode.Update);
    const runtime = createInMemoryRuntime(counts, { clock: new ManualClock(0) });

    // Act: both shards count the same word in the same windows, concurrently
    await Promise.all([
      runtime.process(SHARD_0, records(SHARD_0, ['5000 x', '6000 x'])),
      runtime.process(SHARD_1, records(SHARD_1, ['7000 x'])),
    ]);

    // Assess: per window, the highest revision carries 3, whatever order the batches wrote in
    const latest = new Map<number, Row>();
    for (const row of emitted.flatMap((batch) => batch.rows)) {
      const known = latest.get(row.window.end);
      expect(row.revision).not.toBe(known?.revision);
      if (known === undefined || row.revision > known.revision) latest.set(row.window.end, row);
    }
    expect([...latest.values()].map((row) => [row.window.end, row.value, row.revision])).toEqual(
      [10_000, 20_000, 30_000, 40_000, 50_000, 60_000].map((end) => [end, 3, 2]),
    );
  });

  it('emits the same rows under the same batch id when a failed batch is retried, and folds nothing twice', async () => {
    // Prepare: the sink fails the first attempt after the state was written
    const { counts, emitted } = windowedCounts(OutputMode.Update, { failOnce: true });
    const runtime = createInMemoryRuntime(counts, { clock: new ManualClock(0) });
    const delivery = records(SHARD_0, ['1000 retry']);
    await expect(runtime.process(SHARD_0, delivery)).rejects.toThrow('sink unavailable');

    // Act: Lambda retries the same delivery
    await runtime.process(SHARD_0, delivery);

    // Assess
    expect(emitted).toHaveLength(1);
    expect(emitted[0]?.batchId).toBe(`${SHARD_0}/0`);
    expect(show(emitted[0]?.rows ?? []).at(-1)).toBe('retry@[0,60)=1#1');
    expect(emitted[0]?.rows.every((row) => row.value === 1 && row.revision === 1)).toBe(true);
  });

  it('needs no scheduled trigger and stores results that expire after the window end plus lateness', async () => {
    // Prepare
    const { counts } = windowedCounts(OutputMode.Update);
    const runtime = createInMemoryRuntime(counts, { clock: new ManualClock(0) });

    // Act
    await runtime.process(SHARD_0, records(SHARD_0, ['1000 ttl']));

    // Assess
    expect(counts.plan.needsWindowTrigger).toBe(false);
    expect(await runtime.fire()).toEqual([]);
    const stored = await runtime.stores.state.scan('counts');
    expect(stored.size).toBe(6);
    const expiry = runtime.stores.state.expiryOf('counts', { keyId: `60000|"ttl"` });
    expect(expiry).toBe((60_000 + 5_000 + 24 * 3600 * 1000) / 1000);
  });
});

describe('Output mode: complete', () => {
  it('emits the whole result table after every batch, other partitions and older windows included', async () => {
    // Prepare
    const { counts, emitted } = windowedCounts(OutputMode.Complete);
    const runtime = createInMemoryRuntime(counts, { clock: new ManualClock(0) });
    await runtime.process(SHARD_0, records(SHARD_0, ['1000 a']));

    // Act: another shard adds to later windows only
    await runtime.process(SHARD_1, records(SHARD_1, ['65000 b']));

    // Assess
    expect(show(emitted[1]?.rows ?? [])).toEqual([
      'a@[-50,10)=1#1',
      'a@[-40,20)=1#1',
      'a@[-30,30)=1#1',
      'a@[-20,40)=1#1',
      'a@[-10,50)=1#1',
      'a@[0,60)=1#1',
      'b@[10,70)=1#1',
      'b@[20,80)=1#1',
      'b@[30,90)=1#1',
      'b@[40,100)=1#1',
      'b@[50,110)=1#1',
      'b@[60,120)=1#1',
    ]);
    expect(emitted[1]?.batchId).toBe(`${SHARD_1}/0`);
  });

  it('drops nothing as late: a record far behind the clock still updates its windows', async () => {
    // Prepare
    const { counts, emitted } = windowedCounts(OutputMode.Complete);
    const runtime = createInMemoryRuntime(counts, { clock: new ManualClock(0) });
    await runtime.process(SHARD_0, records(SHARD_0, ['1000000 now']));

    // Act
    await runtime.process(SHARD_0, records(SHARD_0, ['1000 then'], 1));

    // Assess
    expect(emitted[1]?.rows.filter((row) => row.key === 'then')).toHaveLength(6);
    expect(emitted[1]?.rows).toHaveLength(12);
    expect(runtime.metrics.batches.map((batch) => batch.lateRecords)).toEqual([0, 0]);
  });

  it('keeps the table in paneShards storage groups, without expiry', async () => {
    // Prepare
    const { counts } = windowedCounts(OutputMode.Complete);
    const runtime = createInMemoryRuntime(counts, { clock: new ManualClock(0) });

    // Act
    await runtime.process(SHARD_0, records(SHARD_0, ['1000 a', '2000 b', '3000 c', '4000 d']));

    // Assess: 4 keys x 6 windows, spread over the 4 default groups, none expiring
    let items = 0;
    for (const group of windowTableGroups(4)) {
      for (const [itemKey] of await runtime.stores.state.queryGroup('counts', group)) {
        items++;
        expect(runtime.stores.state.expiryOf('counts', { keyId: itemKey, group })).toBeUndefined();
      }
    }
    expect(items).toBe(24);
  });
});
