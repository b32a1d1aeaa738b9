import { describe, expect, it } from 'vitest';
import { textRecords } from '../../test/factories/records';
import { WriteAheadLog } from '../checkpoint';
import {
  type BatchContext,
  decodeUtf8,
  ManualClock,
  pipeline,
  type SourceRecord,
  timeoutBatchId,
  timerGroup,
  timerIndexId,
} from '../core';
import { MemoryPartitionLedgerStore, type PartitionLedgerStore } from '../ledger';
import { BatchExecutor, createInMemoryRuntime } from '../runtime';
import { MemoryDeadLetterSink } from '../sinks';
import { type KeyedStateStore, MemoryKeyedStateStore } from '../state';
import { MemoryObjectStore } from '../storage';
import { WindowFirer } from './window-firer';
import { MemoryWindowProgressStore } from './window-progress-store';

type Output = readonly ['run' | 'timeout', string, number];

const P0 = 'shardId-000000000000';
const P1 = 'shardId-000000000001';
/** A whole second, so timer buckets (1 s wide for a 10 s timeout) fall on round numbers. */
const T0 = 1_700_000_000_000;
const TIMEOUT_MS = 10_000;

/**
 * Sessions of words: every value emits `['run', word, count so far]`; a key idle for 10 s emits
 * `['timeout', word, count]` and is forgotten.
 */
function sessions(collect: (outputs: readonly Output[], context: BatchContext) => void, options = {}) {
  return pipeline('sessions')
    .fromKinesis()
    .map((record) => decodeUtf8(record.value))
    .flatMap((line) => line.split(' '))
    .mapToPair((word): readonly [string, number] => [word, 1])
    .mapWithState<number, Output>(
      (word, one, state) => {
        if (state.isTimingOut()) return ['timeout', word, state.get()];
        const count = (state.getOption() ?? 0) + (one ?? 0);
        state.update(count);
        return ['run', word, count];
      },
      { name: 'sessions', timeoutMs: TIMEOUT_MS, ...options },
    )
    .foreachBatch((outputs, context) => collect(outputs, context));
}

/** Every delivery of every batch id, in order. */
function collector() {
  const deliveries: { batchId: string; outputs: readonly Output[] }[] = [];
  return {
    deliveries,
    collect: (outputs: readonly Output[], context: BatchContext) =>
      void deliveries.push({ batchId: context.batchId, outputs: [...outputs] }),
    /** The outputs of the last delivery of a batch id. */
    of: (batchId: string) => deliveries.filter((delivery) => delivery.batchId === batchId).at(-1)?.outputs,
  };
}

/**
 * The production executor and firer over in-memory stores, with the state and ledger ports
 * replaceable, and optionally a separate executor clock (another container's, skewed).
 */
function world(
  definition: ReturnType<typeof sessions>,
  wrap: {
    state?: (inner: KeyedStateStore) => KeyedStateStore;
    ledger?: (inner: PartitionLedgerStore) => PartitionLedgerStore;
  } = {},
  executorClock?: ManualClock,
) {
  const clock = new ManualClock(T0);
  const stores = {
    state: new MemoryKeyedStateStore(),
    ledger: new MemoryPartitionLedgerStore(),
    objects: new MemoryObjectStore(),
    progress: new MemoryWindowProgressStore(),
  };
  const state = wrap.state?.(stores.state) ?? stores.state;
  const ledger = wrap.ledger?.(stores.ledger) ?? stores.ledger;
  const deadLetters = new MemoryDeadLetterSink();
  const firer = new WindowFirer({
    pipeline: definition,
    namespace: 'sessions',
    ledger,
    progress: stores.progress,
    state,
    deadLetters,
    clock,
    print: () => undefined,
  });
  const executor = (options: { fire?: boolean } = {}) =>
    new BatchExecutor({
      pipeline: definition,
      namespace: 'sessions',
      state,
      ledger,
      writeAheadLog: new WriteAheadLog(stores.objects, 'sessions'),
      deadLetters,
      clock: executorClock ?? clock,
      print: () => undefined,
      windowProgress: stores.progress,
      ...(options.fire === false ? {} : { windowFirer: firer }),
    });
  return { clock, stores, firer, executor, deadLetters };
}

function records(lines: readonly string[], firstN: number, partition = P0): SourceRecord[] {
  return textRecords(lines, { firstN, partition });
}

describe('Operator: mapWithState with a timeout (production executor and sweep, in-memory stores)', () => {
  it('times out an expired key lazily when a batch brings it new values, then starts afresh', async () => {
    // Prepare
    const seen = collector();
    const clock = new ManualClock(T0);
    const runtime = createInMemoryRuntime(sessions(seen.collect), { clock });
    await runtime.process(P0, records(['a b a'], 0));

    // Act: 10.5 s later a is expired (more than 10 s idle); b's timer bucket (T0 + 11 s) is not due yet
    clock.advance(10_500);
    await runtime.process(P0, records(['a'], 1));

    // Assess
    expect(seen.of(`${P0}/0`)).toEqual([
      ['run', 'a', 1],
      ['run', 'a', 2],
      ['run', 'b', 1],
    ]);
    expect(seen.of(`${P0}/1`)).toEqual([
      ['timeout', 'a', 2],
      ['run', 'a', 1],
    ]);
    expect(Object.fromEntries(await runtime.stateOf('sessions'))).toEqual({ a: 1, b: 1 });
  });

  it('times out idle keys from the scheduled trigger, with a stable batch id per timer bucket', async () => {
    // Prepare
    const seen = collector();
    const clock = new ManualClock(T0);
    const runtime = createInMemoryRuntime(sessions(seen.collect), { clock });
    await runtime.process(P0, records(['a b'], 0));
    clock.advance(5_000);
    await runtime.process(P0, records(['b'], 1));

    // Act: a expires at T0 + 10 s (bucket T0 + 11 s), b at T0 + 15 s (bucket T0 + 16 s)
    clock.advance(6_000);
    const first = await runtime.tick();
    const again = await runtime.tick();
    clock.advance(60_000);
    const later = await runtime.tick();

    // Assess
    expect(first.timeouts).toEqual([{ operatorId: 'sessions', bucket: T0 + 11_000, keys: 1 }]);
    expect(again.timeouts).toEqual([]);
    expect(later.timeouts).toEqual([{ operatorId: 'sessions', bucket: T0 + 16_000, keys: 1 }]);
    expect(seen.of(timeoutBatchId('sessions', T0 + 11_000))).toEqual([['timeout', 'a', 1]]);
    expect(seen.of(timeoutBatchId('sessions', T0 + 16_000))).toEqual([['timeout', 'b', 2]]);
    expect(await runtime.stateOf('sessions')).toEqual(new Map());
    expect(await runtime.stores.progress.readBuckets(timerIndexId('sessions'))).toEqual(new Map());
  });

  it('runs what is downstream of the operator on timeouts: print gets the bucket as batch time', async () => {
    // Prepare
    const clock = new ManualClock(T0);
    const printing = pipeline('printing')
      .fromKinesis()
      .map((record) => decodeUtf8(record.value))
      .mapToPair((word): readonly [string, number] => [word, 1])
      .mapWithState<number, string>(
        (word, _one, state) => {
          if (state.isTimingOut()) return `${word} left`;
          state.update(1);
          return undefined;
        },
        { timeoutMs: 2_000 },
      )
      .map((message) => message.toUpperCase())
      .print();
    const runtime = createInMemoryRuntime(printing, { clock });
    await runtime.process(P0, records(['zed'], 0));

    // Act
    clock.advance(3_000);
    await runtime.fire();

    // Assess: the batch printed nothing, the sweep of bucket T0 + 3 s printed the timeout
    expect(runtime.printed).toEqual([
      `-------------------------------------------\nTime: ${T0} ms\n-------------------------------------------\n`,
      `-------------------------------------------\nTime: ${T0 + 3_000} ms\n-------------------------------------------\nZED LEFT\n`,
    ]);
  });

  it('dead-letters a timing-out call that throws and removes the state anyway', async () => {
    // Prepare
    const clock = new ManualClock(T0);
    const fragile = pipeline('fragile')
      .fromKinesis()
      .map((record) => decodeUtf8(record.value))
      .mapToPair((word): readonly [string, number] => [word, 1])
      .mapWithState<number, string>(
        (word, _one, state) => {
          if (state.isTimingOut()) throw new RangeError(`cannot say goodbye to ${word}`);
          state.update(7);
          return word;
        },
        { timeoutMs: 2_000, name: 'fragile' },
      )
      .print();
    const runtime = createInMemoryRuntime(fragile, { clock });
    await runtime.process(P0, records(['p', 'q'], 0));

    // Act: q times out lazily (it gets a value), p from the sweep
    clock.advance(2_500);
    await runtime.process(P0, records(['q'], 2));
    clock.advance(1_000);
    await runtime.fire();

    // Assess
    const entries = [...runtime.deadLetters.entries.values()];
    expect(entries.map(({ id, value, reason }) => ({ id, value, reason }))).toEqual([
      {
        id: `${P0}/batch-000000000001/element-0`,
        value: ['q', 7],
        reason: 'UserCodeError: fragile threw: RangeError: cannot say goodbye to q',
      },
      {
        id: `timeout-fragile/batch-${String((T0 + 3_000) / 1_000).padStart(12, '0')}/element-0`,
        value: ['p', 7],
        reason: 'UserCodeError: fragile threw: RangeError: cannot say goodbye to p',
      },
    ]);
    expect(Object.fromEntries(await runtime.stateOf('fragile'))).toEqual({ q: 7 });
  });

  it('emits the stored outputs again when a batch is replayed after its state was written', async () => {
    // Prepare: the commit of the second batch fails once, after its outputs ran
    const seen = collector();
    let failCommits = 0;
    const { executor } = world(sessions(seen.collect), {
      ledger: (inner) => ({
        ...inner,
        read: (partition) => inner.read(partition),
        readAll: () => inner.readAll(),
        write: async (partition, next, expected) => {
          if (next.open === undefined && next.committedOffsetKey !== undefined && failCommits-- > 0) {
            throw new Error('crash before commit');
          }
          return inner.write(partition, next, expected);
        },
      }),
    });
    await executor().processPartition(P0, records(['a'], 0));

    // Act
    failCommits = 1;
    await expect(executor().processPartition(P0, records(['a a', 'b'], 1))).rejects.toThrow(
      /crash before commit/,
    );
    await executor().processPartition(P0, records(['a a', 'b'], 1));

    // Assess: both deliveries of batch 1 carry the outputs of the one fold that was written
    const deliveries = seen.deliveries.filter((delivery) => delivery.batchId === `${P0}/1`);
    expect(deliveries).toHaveLength(2);
    expect(deliveries[1]).toEqual(deliveries[0]);
    expect(deliveries[0]?.outputs).toEqual([
      ['run', 'a', 2],
      ['run', 'a', 3],
      ['run', 'b', 1],
    ]);
  });

  it('emits the outputs of the recomputed fold when a concurrent partition wins the write', async () => {
    // Prepare: right before shard 0 writes key a, shard 1 commits a batch with a
    const seen = collector();
    let interleave: (() => Promise<unknown>) | undefined;
    const { executor } = world(sessions(seen.collect), {
      state: (inner) => ({
        ...inner,
        getMany: (operatorId, refs) => inner.getMany(operatorId, refs),
        get: (operatorId, ref) => inner.get(operatorId, ref),
        queryGroup: (operatorId, group) => inner.queryGroup(operatorId, group),
        scan: (operatorId) => inner.scan(operatorId),
        put: async (operatorId, ref, next, expected, expiresAt) => {
          const run = interleave;
          if (
            run !== undefined &&
            operatorId === 'sessions' &&
            ref.group === undefined &&
            ref.keyId === '"a"'
          ) {
            interleave = undefined;
            await run();
          }
          return inner.put(operatorId, ref, next, expected, expiresAt);
        },
      }),
    });
    interleave = () => executor({ fire: false }).processPartition(P1, records(['a'], 0, P1));

    // Act
    await executor().processPartition(P0, records(['a'], 0));

    // Assess
    expect(seen.of(`${P1}/0`)).toEqual([['run', 'a', 1]]);
    expect(seen.of(`${P0}/0`)).toEqual([['run', 'a', 2]]);
  });

  it('lets a concurrent batch win over the sweep: the key is updated, not timed out', async () => {
    // Prepare: right before the sweep's conditional write for a, shard 0 brings a new value for a
    const seen = collector();
    let interleave: (() => Promise<unknown>) | undefined;
    const { executor, firer, clock } = world(sessions(seen.collect), {
      state: (inner) => ({
        ...inner,
        getMany: (operatorId, refs) => inner.getMany(operatorId, refs),
        get: (operatorId, ref) => inner.get(operatorId, ref),
        queryGroup: (operatorId, group) => inner.queryGroup(operatorId, group),
        scan: (operatorId) => inner.scan(operatorId),
        put: async (operatorId, ref, next, expected, expiresAt) => {
          const run = interleave;
          if (
            run !== undefined &&
            ref.group === undefined &&
            (next.value as { timedOut?: unknown }).timedOut
          ) {
            interleave = undefined;
            await run();
          }
          return inner.put(operatorId, ref, next, expected, expiresAt);
        },
      }),
    });
    await executor().processPartition(P0, records(['a'], 0));
    clock.advance(11_000);
    interleave = () => executor({ fire: false }).processPartition(P0, records(['a'], 1));

    // Act
    const swept = await firer.tick();

    // Assess: the batch saw a expired and timed it out lazily; the sweep found a active again
    expect(swept.timeouts).toEqual([{ operatorId: 'sessions', bucket: T0 + 11_000, keys: 0 }]);
    expect(seen.of(`${P0}/1`)).toEqual([
      ['timeout', 'a', 1],
      ['run', 'a', 1],
    ]);
    expect(seen.of(timeoutBatchId('sessions', T0 + 11_000))).toBeUndefined();
  });

  it('puts the timer of a batch replayed late after now, so a bucket already swept is not reopened', async () => {
    // Prepare: shard 1 claims a batch at T0 and crashes before its state write
    const seen = collector();
    let crashOnY = true;
    const { executor, firer, clock, stores } = world(sessions(seen.collect), {
      state: (inner) => ({
        ...inner,
        getMany: (operatorId, refs) => inner.getMany(operatorId, refs),
        get: (operatorId, ref) => inner.get(operatorId, ref),
        queryGroup: (operatorId, group) => inner.queryGroup(operatorId, group),
        scan: (operatorId) => inner.scan(operatorId),
        put: async (operatorId, ref, next, expected, expiresAt) => {
          if (crashOnY && ref.keyId === '"y"') {
            crashOnY = false;
            throw new Error('crash before the state write');
          }
          return inner.put(operatorId, ref, next, expected, expiresAt);
        },
      }),
    });
    await executor().processPartition(P0, records(['x'], 0));
    await expect(executor().processPartition(P1, records(['y'], 0, P1))).rejects.toThrow(/crash/);

    // Act: 20 s later the sweep times x out (bucket T0 + 11 s); then shard 1 replays its batch (batch time T0)
    clock.advance(20_000);
    const first = await firer.tick();
    await executor({ fire: false }).processPartition(P1, records(['y'], 0, P1));
    const index = await stores.progress.readBuckets(timerIndexId('sessions'));
    const sweptGroup = await stores.state.queryGroup('sessions', timerGroup(T0 + 11_000));
    clock.advance(1_000);
    const later = await firer.tick();

    // Assess: y expired in bucket T0 + 11 s, but its timer went to the first bucket after now
    expect(first.timeouts).toEqual([{ operatorId: 'sessions', bucket: T0 + 11_000, keys: 1 }]);
    expect([...index.keys()]).toEqual([T0 + 21_000]);
    expect([...sweptGroup.keys()]).toEqual(['"x"']);
    expect(later.timeouts).toEqual([{ operatorId: 'sessions', bucket: T0 + 21_000, keys: 1 }]);
    expect(seen.of(timeoutBatchId('sessions', T0 + 21_000))).toEqual([['timeout', 'y', 1]]);
  });

  it('keeps a bucket indexed while a concurrent sweep that timed a key out in it may not have emitted', async () => {
    // Prepare: key a, removed and then re-created by a batch claimed long before (its state expires in
    // bucket T0 + 11 s, its new timer is in T0 + 12 s). Sweep 2 reads the index, then waits while
    // sweep 1 sweeps T0 + 11 s (nothing to time out: a had no state then) and removes it; then
    // sweep 2 finds a through its old timer, times it out and crashes before emitting.
    const seen = collector();
    let crashTimeoutOutputs = false;
    const definition = pipeline('sessions')
      .fromKinesis()
      .map((record) => decodeUtf8(record.value))
      .mapToPair((word): readonly [string, string] => [
        word.replace('!', ''),
        word.startsWith('!') ? 'remove' : 'add',
      ])
      .mapWithState<number, Output>(
        (word, action, state) => {
          if (state.isTimingOut()) return ['timeout', word, state.get()];
          if (action === 'remove') return void state.remove();
          state.update((state.getOption() ?? 0) + 1);
          return ['run', word, state.get()];
        },
        { name: 'sessions', timeoutMs: TIMEOUT_MS },
      )
      .foreachBatch((outputs, context) => {
        if (crashTimeoutOutputs && context.batchId.includes('@timeout@')) {
          crashTimeoutOutputs = false;
          throw new Error('crash before emitting');
        }
        seen.collect(outputs, context);
      });
    let crashOnA = false;
    // sweep 2's first read of the bucket index signals `reading`, then waits for `gate`
    let reading: () => void = () => undefined;
    const read = new Promise<void>((resolve) => (reading = resolve));
    let open: () => void = () => undefined;
    let gate: Promise<void> | undefined = new Promise((resolve) => (open = resolve));
    const { executor, firer, clock, stores } = world(definition, {
      state: (inner) => ({
        ...inner,
        getMany: (operatorId, refs) => inner.getMany(operatorId, refs),
        get: (operatorId, ref) => inner.get(operatorId, ref),
        queryGroup: (operatorId, group) => inner.queryGroup(operatorId, group),
        scan: (operatorId) => inner.scan(operatorId),
        put: async (operatorId, ref, next, expected, expiresAt) => {
          if (crashOnA && ref.group === undefined && ref.keyId === '"a"') {
            crashOnA = false;
            throw new Error('crash before the state write');
          }
          return inner.put(operatorId, ref, next, expected, expiresAt);
        },
      }),
    });
    const gatedProgress = {
      ...stores.progress,
      read: (id: string) => stores.progress.read(id),
      addPanes: (id: string, panes: readonly number[]) => stores.progress.addPanes(id, panes),
      removePanes: (id: string, panes: readonly number[]) => stores.progress.removePanes(id, panes),
      advanceFrontier: (id: string, end: number) => stores.progress.advanceFrontier(id, end),
      readClockFloor: () => stores.progress.readClockFloor(),
      raiseClockFloor: (to: number) => stores.progress.raiseClockFloor(to),
      addBuckets: (id: string, buckets: readonly number[]) => stores.progress.addBuckets(id, buckets),
      removeBucket: (id: string, bucket: number, version: number) =>
        stores.progress.removeBucket(id, bucket, version),
      readBuckets: async (id: string) => {
        const wait = gate;
        gate = undefined;
        const buckets = await stores.progress.readBuckets(id);
        reading();
        await wait;
        return buckets;
      },
    };
    const sweep2 = new WindowFirer({
      pipeline: definition,
      namespace: 'sessions',
      ledger: stores.ledger,
      progress: gatedProgress,
      state: stores.state,
      deadLetters: new MemoryDeadLetterSink(),
      clock,
      print: () => undefined,
    });
    await executor({ fire: false }).processPartition(P0, records(['a'], 0));
    clock.advance(50);
    crashOnA = true;
    await expect(executor({ fire: false }).processPartition(P1, records(['a'], 0, P1))).rejects.toThrow(
      /crash/,
    );
    clock.advance(50);
    await executor({ fire: false }).processPartition(P0, records(['!a'], 1));

    // Act
    clock.advance(10_900);
    const crashed = sweep2.tick();
    await read;
    const first = await firer.tick();
    clock.advance(500);
    await executor({ fire: false }).processPartition(P1, records(['a'], 0, P1));
    crashTimeoutOutputs = true;
    open();
    await expect(crashed).rejects.toThrow(/crash before emitting/);
    const retried = await firer.tick();

    // Assess
    expect(first.timeouts).toEqual([{ operatorId: 'sessions', bucket: T0 + 11_000, keys: 0 }]);
    expect(retried.timeouts).toEqual([{ operatorId: 'sessions', bucket: T0 + 11_000, keys: 1 }]);
    expect(seen.of(timeoutBatchId('sessions', T0 + 11_000))).toEqual([['timeout', 'a', 1]]);
  });

  it('does not remove a bucket that a writer and another sweep added after it read it', async () => {
    // Prepare: the batches run in a container whose clock is 500 ms behind the sweeps'; shard 1
    // claims a batch at T0 with y and crashes before its state write
    const seen = collector();
    let crashOnY = true;
    let crashTimeoutOutputs = false;
    const definition = sessions((outputs, context) => {
      if (crashTimeoutOutputs && context.batchId.includes('@timeout@')) {
        crashTimeoutOutputs = false;
        throw new Error('crash before emitting');
      }
      seen.collect(outputs, context);
    });
    const batchClock = new ManualClock(T0);
    const { executor, firer, clock, stores } = world(
      definition,
      {
        state: (inner) => ({
          ...inner,
          getMany: (operatorId, refs) => inner.getMany(operatorId, refs),
          get: (operatorId, ref) => inner.get(operatorId, ref),
          queryGroup: (operatorId, group) => inner.queryGroup(operatorId, group),
          scan: (operatorId) => inner.scan(operatorId),
          put: async (operatorId, ref, next, expected, expiresAt) => {
            if (crashOnY && ref.group === undefined && ref.keyId === '"y"') {
              crashOnY = false;
              throw new Error('crash before the state write');
            }
            return inner.put(operatorId, ref, next, expected, expiresAt);
          },
        }),
      },
      batchClock,
    );
    let open: () => void = () => undefined;
    const gate = new Promise<void>((resolve) => (open = resolve));
    let arrive: () => void = () => undefined;
    const arrived = new Promise<void>((resolve) => (arrive = resolve));
    const sweep1 = new WindowFirer({
      pipeline: definition,
      namespace: 'sessions',
      ledger: stores.ledger,
      progress: {
        ...stores.progress,
        read: (id) => stores.progress.read(id),
        addPanes: (id, panes) => stores.progress.addPanes(id, panes),
        removePanes: (id, panes) => stores.progress.removePanes(id, panes),
        advanceFrontier: (id, end) => stores.progress.advanceFrontier(id, end),
        readClockFloor: () => stores.progress.readClockFloor(),
        raiseClockFloor: (to) => stores.progress.raiseClockFloor(to),
        readBuckets: (id) => stores.progress.readBuckets(id),
        addBuckets: (id, buckets) => stores.progress.addBuckets(id, buckets),
        removeBucket: async (id, bucket, version) => {
          arrive();
          await gate;
          return stores.progress.removeBucket(id, bucket, version);
        },
      },
      state: stores.state,
      deadLetters: new MemoryDeadLetterSink(),
      clock,
      print: () => undefined,
    });
    await executor({ fire: false }).processPartition(P0, records(['x'], 0));
    await expect(executor({ fire: false }).processPartition(P1, records(['y'], 0, P1))).rejects.toThrow(
      /crash/,
    );

    // Act: sweep 1 times x out and waits before removing the bucket; meanwhile shard 1 replays (y's
    // timer goes to the same bucket: its clock is behind), and sweep 2 times y out, then crashes
    clock.advance(11_000);
    batchClock.advance(10_500);
    const first = sweep1.tick();
    await arrived;
    await executor({ fire: false }).processPartition(P1, records(['y'], 0, P1));
    crashTimeoutOutputs = true;
    await expect(firer.tick()).rejects.toThrow(/crash before emitting/);
    open();
    await first;
    const retried = await firer.tick();

    // Assess: the bucket survived sweep 1's removal, so y's timeout was emitted
    expect(retried.timeouts).toEqual([{ operatorId: 'sessions', bucket: T0 + 11_000, keys: 2 }]);
    expect(seen.of(timeoutBatchId('sessions', T0 + 11_000))).toEqual([
      ['timeout', 'x', 1],
      ['timeout', 'y', 1],
    ]);
  });

  it('emits the same timeout outputs when a sweep is retried after a crash', async () => {
    // Prepare: the sweep crashes after timing out the keys, before its outputs run
    const seen = collector();
    let crashes = 1;
    const definition = sessions((outputs, context) => {
      if (context.batchId.includes('@timeout@') && crashes-- > 0) throw new Error('sink unavailable');
      seen.collect(outputs, context);
    });
    const { executor, firer, clock } = world(definition);
    await executor().processPartition(P0, records(['a b', 'a'], 0));
    clock.advance(11_000);

    // Act
    await expect(firer.tick()).rejects.toThrow(/sink unavailable/);
    const retried = await firer.tick();

    // Assess
    expect(retried.timeouts).toEqual([{ operatorId: 'sessions', bucket: T0 + 11_000, keys: 2 }]);
    expect(seen.of(timeoutBatchId('sessions', T0 + 11_000))).toEqual([
      ['timeout', 'a', 2],
      ['timeout', 'b', 1],
    ]);
  });
});
