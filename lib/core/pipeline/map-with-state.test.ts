import { describe, expect, expectTypeOf, it } from 'vitest';
import { textRecords } from '../../../test/factories/records';
import { decodeUtf8, ErrorCode, pipeline, slidingWindows, type StateHandle } from '..';
import { InMemoryRunner } from '../runner';

/** Words of each line as `[word, 1]` pairs. */
function words(name = 'sessions') {
  return pipeline(name)
    .fromKinesis()
    .map((record) => decodeUtf8(record.value))
    .flatMap((line) => line.split(' '))
    .mapToPair((word): readonly [string, number] => [word, 1]);
}

/** A running count per word: every value emits `[word, count so far]`. */
function runningCounts(
  collect: (outputs: readonly (readonly [string, number])[]) => void,
  timeoutMs?: number,
) {
  return words()
    .mapWithState<number, readonly [string, number]>(
      (word, one, state) => {
        const count = (state.getOption() ?? 0) + (one ?? 0);
        state.update(count);
        return [word, count];
      },
      { name: 'running', ...(timeoutMs === undefined ? {} : { timeoutMs }) },
    )
    .foreachBatch((outputs) => collect(outputs));
}

describe('Operator: mapWithState', () => {
  describe('Through InMemoryRunner', () => {
    it('calls the function once per value in offset order with the evolving state', async () => {
      // Prepare
      const batches: (readonly (readonly [string, number])[])[] = [];
      const runner = new InMemoryRunner(runningCounts((outputs) => batches.push(outputs)));

      // Act
      await runner.runBatch(textRecords(['a b a', 'a']));
      await runner.runBatch(textRecords(['b a'], { firstN: 2 }));

      // Assess
      expect(batches).toEqual([
        [
          ['a', 1],
          ['a', 2],
          ['a', 3],
          ['b', 1],
        ],
        [
          ['b', 2],
          ['a', 4],
        ],
      ]);
      expect(Object.fromEntries(runner.stateOf('running'))).toEqual({ a: 4, b: 2 });
    });

    it('does not emit undefined results, and removes a key whose function calls remove()', async () => {
      // Prepare: emit the count when it reaches 2, then forget the key
      const batches: (readonly (readonly [string, number])[])[] = [];
      const pairs = words()
        .mapWithState<number, readonly [string, number]>((word, one, state) => {
          const count = (state.getOption() ?? 0) + (one ?? 0);
          if (count < 2) {
            state.update(count);
            return undefined;
          }
          state.remove();
          return [word, count];
        })
        .foreachBatch((outputs) => void batches.push(outputs));
      const runner = new InMemoryRunner(pairs);

      // Act
      await runner.runBatch(textRecords(['x y x']));
      await runner.runBatch(textRecords(['x y'], { firstN: 1 }));

      // Assess
      expect(batches).toEqual([[['x', 2]], [['y', 2]]]);
      expect(Object.fromEntries(runner.stateOf('mapWithState#0'))).toEqual({ x: 1 });
    });

    it('gives the function a handle whose get() throws without state and update(undefined) throws', async () => {
      // Prepare
      const seen: string[] = [];
      const probing = words()
        .mapWithState<number, string>((word, _one, state) => {
          seen.push(`${word}:${state.exists()}:${state.isTimingOut()}`);
          if (word === 'get') state.get();
          if (word === 'undef') state.update(undefined as unknown as number);
          state.update(1);
          return word;
        })
        .print();
      const runner = new InMemoryRunner(probing);

      // Act
      await runner.runBatch(textRecords(['ok get undef ok']));

      // Assess: the throwing keys are dead-lettered with their values, the others keep their state
      expect(seen).toEqual(['ok:false:false', 'ok:true:false', 'get:false:false', 'undef:false:false']);
      expect(Object.fromEntries(runner.stateOf('mapWithState#0'))).toEqual({ ok: 1 });
      expect(runner.deadLetters).toEqual([
        expect.objectContaining({ kind: 'element', stage: 'mapWithState#0', value: ['get', [1]] }),
        expect.objectContaining({ kind: 'element', stage: 'mapWithState#0', value: ['undef', [1]] }),
      ]);
      const codes = runner.deadLetters.map(
        (deadLetter) => ((deadLetter.error as Error).cause as { code?: string }).code,
      );
      expect(codes).toEqual([ErrorCode.InvalidStateAccess, ErrorCode.InvalidStateAccess]);
    });

    it('dead-letters the values of a key whose state and outputs would exceed MAX_STATE_BYTES', async () => {
      // Prepare: every value emits a copy of 9 MiB, so two values of a key pass the 16 MiB maximum
      const copying = words()
        .mapWithState<number, string>((word, _one, state) => {
          state.update((state.getOption() ?? 0) + 1);
          return word.repeat((9 * 1024 * 1024) / word.length);
        })
        .print();
      const runner = new InMemoryRunner(copying);

      // Act
      await runner.runBatch(textRecords(['ab cd ab']));

      // Assess
      expect(Object.fromEntries(runner.stateOf('mapWithState#0'))).toEqual({ cd: 1 });
      expect(runner.deadLetters).toEqual([
        expect.objectContaining({ kind: 'element', stage: 'mapWithState#0', value: ['ab', [1, 1]] }),
      ]);
      const error = runner.deadLetters[0]?.error as { code?: string; message?: string };
      expect(error.code).toBe(ErrorCode.StateTooLarge);
      expect(error.message).toMatch(
        /key "ab" would take \d+ bytes of JSON \(key included\), above the 16777216 bytes \(16 MiB\)/,
      );
    });

    it('refuses a pipeline with a timeout, naming the runtime that can sweep it', () => {
      // Act / Assess
      expect(() => new InMemoryRunner(runningCounts(() => undefined, 60_000))).toThrow(
        /InMemoryRunner cannot run pipeline sessions: mapWithState running has a timeout.*createInMemoryRuntime/,
      );
    });
  });

  describe('Builder and plan', () => {
    it('types the function from the pair stream and the output from its result', () => {
      // Prepare
      const stream = words().mapWithState((key, value, state: StateHandle<number>) => {
        expectTypeOf(key).toEqualTypeOf<string>();
        expectTypeOf(value).toEqualTypeOf<number | undefined>();
        return state.exists() ? key.length : undefined;
      });

      // Assess
      expectTypeOf(stream.foreachBatch).parameter(0).parameter(0).toEqualTypeOf<readonly number[]>();
    });

    it('lists mapWithState as a stateful operator and needs the trigger only with a timeout', () => {
      // Prepare
      const plain = runningCounts(() => undefined).plan;
      const timed = runningCounts(() => undefined, 60_000).plan;

      // Assess
      expect(plain.statefulOperators).toEqual([{ id: 'running', kind: 'mapWithState' }]);
      expect(plain.needsStateStore).toBe(true);
      expect(plain.needsWindowTrigger).toBe(false);
      expect(timed.needsWindowTrigger).toBe(true);
      expect(timed.fingerprint).toBe(plain.fingerprint);
    });

    it('changes the fingerprint when an updateStateByKey becomes a mapWithState of the same name', () => {
      // Prepare
      const before = words()
        .updateStateByKey<number>((values, state = 0) => state + values.length, { name: 'counts' })
        .print().plan;
      const after = words()
        .mapWithState<number, number>((_word, _one, state) => state.getOption(), { name: 'counts' })
        .print().plan;

      // Assess
      expect(after.fingerprint).not.toBe(before.fingerprint);
    });

    it.each([0, -5, 1.5, Number.NaN, 366 * 24 * 3600 * 1000])('rejects timeoutMs %s', (timeoutMs) => {
      expect(() => runningCounts(() => undefined, timeoutMs)).toThrow(
        new RegExp(
          `timeoutMs must be a whole number of milliseconds between 1 and \\d+ inclusive \\(given ${timeoutMs}\\)`,
        ),
      );
    });

    it('rejects a timeout after a window and a window after a timeout', () => {
      // Prepare
      const spec = slidingWindows({ lengthMs: 10_000, slideMs: 10_000, allowedLatenessMs: 0 });

      // Act / Assess
      expect(() =>
        words()
          .reduceByKeyAndWindow((a, b) => a + b, spec)
          .mapWithState(() => 1, { timeoutMs: 1_000 }),
      ).toThrow(/mapWithState with a timeout cannot follow the windowed operator reduceByKeyAndWindow#0/);
      expect(() =>
        words()
          .mapWithState((word: string): readonly [string, number] => [word, 1], {
            timeoutMs: 1_000,
            name: 'timed',
          })
          .reduceByKeyAndWindow((a, b) => a + b, spec),
      ).toThrow(/reduceByKeyAndWindow cannot follow mapWithState timed with a timeout/);
    });

    it('rejects two stateful operators with the same name', () => {
      expect(() => {
        const pairs = words();
        pairs.updateStateByKey<number>(() => 1, { name: 'same' });
        pairs.mapWithState(() => 1, { name: 'same' });
      }).toThrow(/two stateful operators named "same"/);
    });
  });
});
