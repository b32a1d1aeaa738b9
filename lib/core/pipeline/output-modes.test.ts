import { describe, expect, expectTypeOf, it } from 'vitest';
import { lines } from '../../../test/factories/pipelines';
import { textRecords } from '../../../test/factories/records';
import { InMemoryRunner } from '../runner';
import { slidingWindows, tumblingWindows, type WindowedRow } from '../windows';
import { OutputMode } from './graph';
import type { DStream, Pair } from './dstream';

const TEN_SECONDS = tumblingWindows({ lengthMs: 10_000, allowedLatenessMs: 0 });
const SLIDING = slidingWindows({ lengthMs: 20_000, slideMs: 10_000, allowedLatenessMs: 0 });

/** `"<eventTimeMs> <word>"` lines as timestamped word pairs. */
const timedWords = (name?: string) =>
  lines(name)
    .map((line) => line.split(' '))
    .withTimestamps(([time]) => Number(time))
    .mapToPair(([, word]) => [word ?? '', 1]);

describe('Windowed operators: output modes', () => {
  describe('types', () => {
    it('emit [key, value] pairs in append mode and windowed rows in update and complete modes', () => {
      const pairs = timedWords();
      expectTypeOf(pairs.reduceByKeyAndWindow((a, b) => a + b, TEN_SECONDS)).toEqualTypeOf<
        DStream<Pair<string, number>>
      >();
      expectTypeOf(
        pairs.reduceByKeyAndWindow((a, b) => a + b, TEN_SECONDS, { outputMode: OutputMode.Update }),
      ).toEqualTypeOf<DStream<WindowedRow<string, number>>>();
      expectTypeOf(
        pairs.countByValueAndWindow(TEN_SECONDS, { outputMode: OutputMode.Complete }),
      ).toEqualTypeOf<DStream<WindowedRow<Pair<string, number>, number>>>();
      expectTypeOf(lines().countByWindow(TEN_SECONDS)).toEqualTypeOf<DStream<number>>();
      expectTypeOf(lines().countByWindow(TEN_SECONDS, { outputMode: OutputMode.Update })).toEqualTypeOf<
        DStream<WindowedRow<null, number>>
      >();
    });
  });

  describe('validation', () => {
    it('refuses a stateful operator after an update- or complete-mode window, naming the fix', () => {
      const rows = timedWords().reduceByKeyAndWindow((a, b) => a + b, TEN_SECONDS, {
        outputMode: OutputMode.Update,
        name: 'counts',
      });
      expect(() =>
        rows.mapToPair((row) => [row.key, row.value]).updateStateByKey<number>((values) => values.length),
      ).toThrow(/updateStateByKey cannot follow counts: .*write them to a sink, or use append mode/);
      expect(() => rows.map((row) => row.key).countByWindow(TEN_SECONDS)).toThrow(
        /countByWindow cannot follow another windowed operator \(counts\)/,
      );
    });

    it('refuses a windowed operator named like another stateful operator (they would share state)', () => {
      const counted = timedWords().updateStateByKey<number>((values) => values.length, { name: 'same' });
      expect(() => counted.map(([word]) => word).countByWindow(TEN_SECONDS, { name: 'same' })).toThrow(
        /two stateful operators named "same"/,
      );
    });

    it('refuses window() outside append mode and an unknown mode', () => {
      expect(() => lines().window(TEN_SECONDS, { outputMode: 'update' as typeof OutputMode.Append })).toThrow(
        /window emits a window's elements once, in append mode only/,
      );
      expect(() =>
        lines().countByWindow(TEN_SECONDS, { outputMode: 'full' as typeof OutputMode.Update }),
      ).toThrow(/outputMode must be one of append, update, complete \(given "full"\)/);
    });

    it('changes the plan fingerprint when the output mode or the window changes', () => {
      const plan = (mode: OutputMode, spec = TEN_SECONDS) => {
        const counted = timedWords('modes').reduceByKeyAndWindow((a, b) => a + b, spec, {
          outputMode: mode,
          name: 'counts',
        });
        return counted.print().plan;
      };
      const fingerprints = new Set([
        plan(OutputMode.Append).fingerprint,
        plan(OutputMode.Update).fingerprint,
        plan(OutputMode.Complete).fingerprint,
        plan(OutputMode.Update, SLIDING).fingerprint,
      ]);
      expect(fingerprints.size).toBe(4);
      expect(plan(OutputMode.Update).fingerprint).toBe(plan(OutputMode.Update).fingerprint);
    });

    it('needs the scheduled trigger only for append-mode windows', () => {
      const trigger = (mode: OutputMode) =>
        timedWords()
          .reduceByKeyAndWindow((a, b) => a + b, TEN_SECONDS, { outputMode: mode })
          .print().plan.needsWindowTrigger;
      expect([trigger(OutputMode.Append), trigger(OutputMode.Update), trigger(OutputMode.Complete)]).toEqual([
        true,
        false,
        false,
      ]);
    });
  });

  describe('in the InMemoryRunner', () => {
    it('runs update mode, with each partition clock closing its windows', async () => {
      // Prepare
      const emitted: WindowedRow<string, number>[][] = [];
      const runner = new InMemoryRunner(
        timedWords()
          .reduceByKeyAndWindow((a, b) => a + b, TEN_SECONDS, { outputMode: OutputMode.Update })
          .foreachBatch((rows) => void emitted.push([...rows])),
      );

      // Act: 25 s closes [0, 10) and [10, 20); 5 s is late, 21 s updates [20, 30)
      await runner.runBatch(textRecords(['1000 a', '25000 a']));
      await runner.runBatch(textRecords(['5000 a', '21000 a'], { firstN: 2 }));

      // Assess
      expect(emitted[1]).toEqual([
        { window: { start: 20_000, end: 30_000 }, key: 'a', value: 2, revision: 2 },
      ]);
      expect(runner.late.map((late) => late.eventTime)).toEqual([5_000]);
    });

    it('runs complete mode, printing the whole table every batch', async () => {
      // Prepare
      const runner = new InMemoryRunner(
        timedWords()
          .reduceByKeyAndWindow((a, b) => a + b, TEN_SECONDS, { outputMode: OutputMode.Complete })
          .map(({ window, key, value }) => `${window.start}-${window.end} ${key} ${value}`)
          .print(),
      );

      // Act
      await runner.runBatch(textRecords(['1000 a', '12000 b']));
      await runner.runBatch(textRecords(['2000 a'], { firstN: 2 }));

      // Assess
      expect(runner.printed[1]).toContain('0-10000 a 2\n10000-20000 b 1\n');
    });

    it('runs global window operators in update mode with a null key', async () => {
      // Prepare
      const emitted: WindowedRow<null, number>[] = [];
      const runner = new InMemoryRunner(
        timedWords()
          .countByWindow(TEN_SECONDS, { outputMode: OutputMode.Update })
          .foreachBatch((rows) => void emitted.push(...rows)),
      );

      // Act
      await runner.runBatch(textRecords(['1000 a', '2000 b', '11000 c']));

      // Assess
      expect(emitted).toEqual([
        { window: { start: 0, end: 10_000 }, key: null, value: 2, revision: 1 },
        { window: { start: 10_000, end: 20_000 }, key: null, value: 1, revision: 1 },
      ]);
    });

    it('refuses append-mode windows, which need the watermark and the trigger', () => {
      const appended = timedWords()
        .reduceByKeyAndWindow((a, b) => a + b, TEN_SECONDS)
        .print();
      expect(() => new InMemoryRunner(appended)).toThrow(/test it with createInMemoryRuntime/);
    });
  });
});
