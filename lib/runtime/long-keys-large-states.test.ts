import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { statefulWordCount } from '../../functions/pipelines/stateful-word-count';
import { textRecords } from '../../test/factories/records';
import {
  decodeUtf8,
  ErrorCode,
  ManualClock,
  MAX_STATE_BYTES,
  OutputMode,
  pipeline,
  tumblingWindows,
  type WindowedRow,
} from '../core';
import { createInMemoryRuntime } from './in-memory-runtime';

const SHARD = 'shardId-000000000000';
/** A word of 3,000 characters: its state key is above DynamoDB's 2,048-byte partition key limit. */
const LONG_WORD = 'w'.repeat(3_000);
const T0 = 1_700_000_000_000;

/** Words of each line, keyed, each record carrying its line's event time (`"<time> <word> ..."`). */
function timedWords(name: string) {
  return pipeline(name)
    .fromKinesis()
    .map((record) => decodeUtf8(record.value).split(' '))
    .withTimestamps(([time]) => Number(time))
    .flatMap(([, ...words]) => words)
    .mapToPair((word): readonly [string, number] => [word, 1]);
}

describe('Keys of any length (in-memory twins enforcing DynamoDB limits)', () => {
  it('counts a 3,000-character word once, and the words after it, with updateStateByKey', async () => {
    // Prepare
    const runtime = createInMemoryRuntime(statefulWordCount, { clock: new ManualClock(T0) });

    // Act
    const first = await runtime.process(SHARD, textRecords([`to be ${LONG_WORD}`, 'or not']));
    const redelivered = await runtime.process(SHARD, textRecords([`to be ${LONG_WORD}`, 'or not']));
    const later = await runtime.process(SHARD, textRecords([`${LONG_WORD} be`], { firstN: 2 }));

    // Assess
    expect(first).toMatchObject({ batchesCommitted: 1, deadLetters: 0 });
    expect(redelivered).toMatchObject({ batchesCommitted: 0, skippedRecords: 2 });
    expect(later).toMatchObject({ batchesCommitted: 1, deadLetters: 0 });
    expect(Object.fromEntries(await runtime.stateOf('global-word-counts'))).toEqual({
      to: 1,
      be: 2,
      or: 1,
      not: 1,
      [LONG_WORD]: 2,
    });
    expect([...runtime.deadLetters.entries.values()]).toEqual([]);
  });

  it('keeps the address of keys that fit and hashes the others, holding the full key in the item', async () => {
    // Prepare
    const runtime = createInMemoryRuntime(statefulWordCount, { clock: new ManualClock(T0) });

    // Act
    await runtime.process(SHARD, textRecords([`short ${LONG_WORD}`]));

    // Assess
    const items = runtime.stores.state.storedItems();
    const keyId = JSON.stringify(LONG_WORD);
    const sha256 = createHash('sha256').update(keyId).digest('hex');
    expect(items.map((item) => [item.pk?.S, item.k?.S]).sort()).toEqual([
      ['stateful-word-count#state#global-word-counts#"short"', undefined],
      [`stateful-word-count#state#global-word-counts#${keyId.slice(0, 64)}~sha256:${sha256}`, keyId],
    ]);
  });

  it('fires append-mode windows of a long key with the real key', async () => {
    // Prepare
    const fired: (readonly [string, number])[] = [];
    const counts = timedWords('append-long')
      .reduceByKeyAndWindow((a, b) => a + b, tumblingWindows({ lengthMs: 10_000, allowedLatenessMs: 0 }), {
        name: 'counts',
      })
      .foreachBatch((pairs) => void fired.push(...pairs));
    const clock = new ManualClock(T0);
    const runtime = createInMemoryRuntime(counts, { clock, idleTimeoutMs: 1_000 });

    // Act
    await runtime.process(SHARD, textRecords([`${T0 + 1_000} ${LONG_WORD} a`, `${T0 + 2_000} ${LONG_WORD}`]));
    clock.advance(60_000);
    await runtime.fire();

    // Assess
    expect(Object.fromEntries(fired)).toEqual({ [LONG_WORD]: 2, a: 1 });
  });

  it.each([OutputMode.Update, OutputMode.Complete])(
    'emits %s-mode rows of a long key with the real key',
    async (outputMode) => {
      // Prepare
      const rows: WindowedRow<string, number>[] = [];
      const counts = timedWords(`${outputMode}-long`)
        .reduceByKeyAndWindow((a, b) => a + b, tumblingWindows({ lengthMs: 10_000, allowedLatenessMs: 0 }), {
          name: 'counts',
          outputMode,
        })
        .foreachBatch((batch: readonly WindowedRow<string, number>[]) => void rows.push(...batch));
      const runtime = createInMemoryRuntime(counts, { clock: new ManualClock(T0) });

      // Act
      await runtime.process(SHARD, textRecords([`${T0} ${LONG_WORD} a`]));
      await runtime.process(SHARD, textRecords([`${T0 + 1} ${LONG_WORD}`], { firstN: 1 }));

      // Assess: the last row of the long key counts both records
      expect(rows.filter((row) => row.key === LONG_WORD).map((row) => [row.value, row.revision])).toEqual([
        [1, 1],
        [2, 2],
      ]);
      expect([...runtime.deadLetters.entries.values()]).toEqual([]);
    },
  );

  it('times out a long key of mapWithState through its timer (sweep), with the real key', async () => {
    // Prepare
    const outputs: (readonly [string, string, number])[] = [];
    const sessions = pipeline('long-sessions')
      .fromKinesis()
      .map((record) => decodeUtf8(record.value))
      .flatMap((line) => line.split(' '))
      .mapToPair((word): readonly [string, number] => [word, 1])
      .mapWithState<number, readonly [string, string, number]>(
        (word, one, state) => {
          if (state.isTimingOut()) return ['end', word, state.get()];
          state.update((state.getOption() ?? 0) + (one ?? 0));
          return undefined;
        },
        { name: 'sessions', timeoutMs: 10_000 },
      )
      .foreachBatch((batch) => void outputs.push(...batch));
    const clock = new ManualClock(T0);
    const runtime = createInMemoryRuntime(sessions, { clock });

    // Act
    await runtime.process(SHARD, textRecords([`${LONG_WORD} ${LONG_WORD} b`]));
    clock.advance(60_000);
    await runtime.tick();

    // Assess
    expect(outputs).toEqual([
      ['end', 'b', 1],
      ['end', LONG_WORD, 2],
    ]);
    expect([...runtime.deadLetters.entries.values()]).toEqual([]);
  });
});

describe('States larger than a DynamoDB item (in-memory twins enforcing DynamoDB limits)', () => {
  /** Per key, the list of every line's length: grows by one number per record. */
  function lineLengths() {
    return pipeline('line-lengths')
      .fromKinesis()
      .map((record) => decodeUtf8(record.value))
      .mapToPair((line): readonly [string, string] => [line.slice(0, 1), line])
      .updateStateByKey<string[]>((lines, state = []) => [...state, ...lines], { name: 'lines' })
      .print();
  }

  it('keeps a state above 400 KB in the object store and folds into it again', async () => {
    // Prepare: 3 lines of 250,000 characters on key "a": 750 KB of state
    const runtime = createInMemoryRuntime(lineLengths(), { clock: new ManualClock(T0) });
    const line = (char: string) => `a${char.repeat(250_000)}`;

    // Act
    await runtime.process(SHARD, textRecords([line('x'), line('y'), 'b']));
    const afterFirst = await runtime.stores.objects.list('state/');
    await runtime.process(SHARD, textRecords([line('z')], { firstN: 3 }));

    // Assess
    const states = await runtime.stateOf('lines');
    expect((states.get('a') as string[]).map((text) => text.slice(0, 2))).toEqual(['ax', 'ay', 'az']);
    expect(states.get('b')).toEqual(['b']);
    expect([...runtime.deadLetters.entries.values()]).toEqual([]);
    // One object per large state: the replaced one was deleted
    const objects = await runtime.stores.objects.list('state/');
    expect(afterFirst).toHaveLength(1);
    expect(objects).toHaveLength(1);
    expect(objects).not.toEqual(afterFirst);
  });

  it('keeps a pane accumulator above 400 KB in the object store and fires its window from it', async () => {
    // Prepare: the lengths of three 250,000-character words concatenated in one 10 s pane
    const fired: (readonly [string, number])[] = [];
    const concatenated = pipeline('large-pane')
      .fromKinesis()
      .map((record) => decodeUtf8(record.value).split(' '))
      .withTimestamps(([time]) => Number(time))
      .mapToPair(([, word]): readonly [string, string] => ['k', word ?? ''])
      .reduceByKeyAndWindow((a, b) => a + b, tumblingWindows({ lengthMs: 10_000, allowedLatenessMs: 0 }), {
        name: 'concat',
      })
      .foreachBatch((pairs) => void fired.push(...pairs.map(([key, text]) => [key, text.length] as const)));
    const clock = new ManualClock(T0);
    const runtime = createInMemoryRuntime(concatenated, { clock, idleTimeoutMs: 1_000 });

    // Act
    await runtime.process(
      SHARD,
      textRecords(['x', 'y', 'z'].map((c, i) => `${T0 + i} ${c.repeat(250_000)}`)),
    );
    const objects = await runtime.stores.objects.list('state/');
    clock.advance(60_000);
    await runtime.fire();

    // Assess
    expect(objects).toHaveLength(1);
    expect(fired).toEqual([['k', 750_000]]);
  });

  it('keeps a mapWithState state above 400 KB in the object store, through its lazy and swept timeouts', async () => {
    // Prepare: per key, the concatenation of its words; a key idle for 10 s emits its length
    const outputs: (readonly [string, number])[] = [];
    const sessions = pipeline('large-sessions')
      .fromKinesis()
      .map((record) => decodeUtf8(record.value).split(' '))
      .mapToPair(([key, word]): readonly [string, string] => [key ?? '', word ?? ''])
      .mapWithState<string, readonly [string, number]>(
        (key, word, state) => {
          if (state.isTimingOut()) return [key, state.get().length];
          state.update((state.getOption() ?? '') + (word ?? ''));
          return undefined;
        },
        { name: 'sessions', timeoutMs: 10_000 },
      )
      .foreachBatch((batch) => void outputs.push(...batch));
    const clock = new ManualClock(T0);
    const runtime = createInMemoryRuntime(sessions, { clock });
    const big = (c: string) => `a ${c.repeat(250_000)}`;

    // Act: two large words on "a"; 30 s later a third (the state times out lazily first); then a sweep
    await runtime.process(SHARD, textRecords([big('x'), big('y')]));
    clock.advance(30_000);
    await runtime.process(SHARD, textRecords([big('z')], { firstN: 2 }));
    clock.advance(30_000);
    await runtime.tick();

    // Assess
    expect(outputs).toEqual([
      ['a', 500_000],
      ['a', 250_000],
    ]);
    expect([...runtime.deadLetters.entries.values()]).toEqual([]);
  });

  it(`dead-letters the values of a key whose state would pass MAX_STATE_BYTES, and the batch moves on`, async () => {
    // Prepare: two lines of 9 MiB on key "a" make an 18 MiB state
    const runtime = createInMemoryRuntime(lineLengths(), { clock: new ManualClock(T0) });
    const huge = `a${'h'.repeat(9 * 1024 * 1024)}`;

    // Act
    const result = await runtime.process(SHARD, textRecords([huge, 'b1', huge, 'b2']));
    const later = await runtime.process(SHARD, textRecords(['a-small', 'b3'], { firstN: 4 }));

    // Assess
    expect(result).toMatchObject({ batchesCommitted: 1, deadLetters: 1 });
    expect(later).toMatchObject({ batchesCommitted: 1, deadLetters: 0 });
    const states = await runtime.stateOf('lines');
    expect(states.get('a')).toEqual(['a-small']);
    expect(states.get('b')).toEqual(['b1', 'b2', 'b3']);
    const entries = [...runtime.deadLetters.entries.values()];
    expect(entries).toHaveLength(1);
    expect(entries[0]).toMatchObject({
      kind: 'element',
      stage: 'lines',
      errorCode: ErrorCode.StateTooLarge,
    });
    expect(entries[0]?.reason).toContain(`above the ${MAX_STATE_BYTES} bytes (16 MiB)`);
  });
});
