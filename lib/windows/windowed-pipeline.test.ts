import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { timedWordPairs } from '../../test/factories/pipelines';
import { sequenceNumber } from '../../test/factories/records';
import {
  decodeUtf8,
  ManualClock,
  OutputMode,
  pipeline,
  type SourceRecord,
  slidingWindows,
  type WindowedRow,
  windowEndsContaining,
} from '../core';
import { createInMemoryRuntime } from '../runtime';

const SPEC = slidingWindows({ lengthMs: 60_000, slideMs: 10_000, allowedLatenessMs: 5_000 });
const PARTITION = 'shardId-000000000000';

/** `"<eventTimeMs> <word>"` lines, counted per word over 60 s windows sliding by 10 s. */
function windowedWordCount(collect: (end: number, counts: ReadonlyMap<string, number>) => void) {
  return pipeline('windowed-word-count')
    .fromKinesis()
    .map((record) => decodeUtf8(record.value).split(' '))
    .withTimestamps(([time]) => Number(time))
    .mapToPair(([, word]) => [word ?? '', 1])
    .reduceByKeyAndWindow((a, b) => a + b, SPEC)
    .foreachBatch((pairs, context) => {
      if (context.window === undefined) throw new Error('window outputs carry their window');
      collect(context.window.end, new Map(pairs));
    });
}

interface Event {
  readonly time: number;
  readonly word: string;
}

function records(events: readonly Event[], firstN: number): SourceRecord[] {
  return events.map((event, i) => ({
    partition: PARTITION,
    offset: sequenceNumber(firstN + i),
    key: undefined,
    value: new TextEncoder().encode(`${event.time} ${event.word}`),
    arrivalTime: 0,
  }));
}

/** The reference: plain loops over the batches, with the documented lateness rule (none in complete mode). */
function bruteForce(batches: readonly (readonly Event[])[], lateness: 'dropped' | 'kept' = 'dropped') {
  const windows = new Map<number, Map<string, number>>();
  let late = 0;
  let clock = Number.NEGATIVE_INFINITY;
  for (const batch of batches) {
    for (const event of batch) {
      const open = windowEndsContaining(SPEC, event.time).filter(
        (end) => lateness === 'kept' || end > clock - SPEC.allowedLatenessMs,
      );
      if (open.length === 0) late++;
      for (const end of open) {
        const counts = windows.get(end) ?? new Map<string, number>();
        counts.set(event.word, (counts.get(event.word) ?? 0) + 1);
        windows.set(end, counts);
      }
    }
    for (const event of batch) clock = Math.max(clock, event.time);
  }
  return { windows, late };
}

async function runAll(batches: readonly (readonly Event[])[]) {
  const fired = new Map<number, ReadonlyMap<string, number>>();
  const clock = new ManualClock(1_000_000);
  const runtime = createInMemoryRuntime(
    windowedWordCount((end, counts) => {
      if (fired.has(end)) throw new Error(`window ${end} fired twice`);
      fired.set(end, counts);
    }),
    { clock, idleTimeoutMs: 30_000 },
  );
  let n = 0;
  for (const batch of batches) {
    await runtime.process(PARTITION, records(batch, n));
    n += batch.length;
    clock.advance(1_000);
  }
  const beforeIdle = new Map(fired);
  clock.advance(10 * 60_000);
  await runtime.fire();
  const late = runtime.metrics.batches.reduce((sum, batch) => sum + batch.lateRecords, 0);
  return { fired, beforeIdle, late, runtime };
}

describe('Windows: reduceByKeyAndWindow(60 s, 10 s) with 5 s allowed lateness', () => {
  it('fires each window once the watermark passes its end, with its panes merged', async () => {
    // Prepare: in-order events, then one far enough ahead to close the first windows
    const batches = [
      [
        { time: 1_000, word: 'spark' },
        { time: 12_000, word: 'spark' },
        { time: 15_000, word: 'lambda' },
      ],
      [{ time: 80_000, word: 'spark' }],
    ];

    // Act
    const { beforeIdle } = await runAll(batches);

    // Assess: watermark 75 s closes the windows ending at 10 s ... 70 s
    expect([...beforeIdle.keys()]).toEqual([10_000, 20_000, 30_000, 40_000, 50_000, 60_000, 70_000]);
    expect(Object.fromEntries(beforeIdle.get(60_000) ?? [])).toEqual({ spark: 2, lambda: 1 });
    expect(Object.fromEntries(beforeIdle.get(70_000) ?? [])).toEqual({ spark: 1, lambda: 1 });
    expect(Object.fromEntries(beforeIdle.get(10_000) ?? [])).toEqual({ spark: 1 });
  });

  it('counts out-of-order records within the lateness and drops later ones as late', async () => {
    // Prepare: clock 100 s after batch 1; 96 s is within lateness for windows ending 100 s+; 20 s is late for all
    const batches = [
      [{ time: 100_000, word: 'a' }],
      [
        { time: 96_000, word: 'b' },
        { time: 20_000, word: 'c' },
      ],
    ];

    // Act
    const { fired, late, runtime } = await runAll(batches);

    // Assess
    expect(late).toBe(1);
    expect(Object.fromEntries(fired.get(100_000) ?? [])).toEqual({ b: 1 });
    expect(Object.fromEntries(fired.get(110_000) ?? [])).toEqual({ a: 1, b: 1 });
    expect([...fired.values()].some((counts) => counts.has('c'))).toBe(false);
    expect(runtime.deadLetters.entries.size).toBe(0);
  });

  it('folds every fired window into keyed state downstream, not only the first', async () => {
    // Prepare: per window, words counted again per batch (two elements per word), then a running total
    const totals: [string, number][][] = [];
    const running = timedWordPairs('window-then-state')
      .reduceByKeyAndWindow(
        (a, b) => a + b,
        slidingWindows({ lengthMs: 10_000, slideMs: 10_000, allowedLatenessMs: 0 }),
      )
      .flatMap(([word, count]) => [[word, count] as const, [word, count] as const])
      .reduceByKey((a, b) => a + b)
      .updateStateByKey<number>((values, state = 0) => values.reduce((a, b) => a + b, state), {
        name: 'totals',
      })
      .foreachBatch((pairs) => void totals.push(pairs.map(([word, total]) => [word, total])));
    const clock = new ManualClock(1_000_000);
    const runtime = createInMemoryRuntime(running, { clock, idleTimeoutMs: 1_000 });

    // Act: 3 words in the first window, 3 in the second, then idle
    await runtime.process(
      PARTITION,
      records(
        [1_000, 2_000, 3_000, 11_000, 12_000, 13_000].map((time) => ({ time, word: 'a' })),
        0,
      ),
    );
    clock.advance(60_000);
    await runtime.fire();

    // Assess: 6 after the first window, 12 after the second
    expect(totals).toEqual([[['a', 6]], [['a', 12]]]);
  });

  it('fires the windows of an idle stream on the scheduled trigger', async () => {
    // Prepare
    const batches = [[{ time: 1_000, word: 'quiet' }]];

    // Act
    const { fired, beforeIdle } = await runAll(batches);

    // Assess: nothing could close while the stream was active; the trigger closed everything after the idle timeout
    expect(beforeIdle.size).toBe(0);
    expect([...fired.keys()]).toEqual([10_000, 20_000, 30_000, 40_000, 50_000, 60_000]);
  });

  it('equals a brute-force window over the same events (property)', async () => {
    await fc.assert(
      fc.asyncProperty(eventBatches(), async (batches) => {
        const { fired, late } = await runAll(batches);
        const expected = bruteForce(batches);
        expect(late).toBe(expected.late);
        expect(new Map([...fired].map(([end, counts]) => [end, Object.fromEntries(counts)]))).toEqual(
          new Map([...expected.windows].map(([end, counts]) => [end, Object.fromEntries(counts)])),
        );
      }),
      { numRuns: 150 },
    );
  });

  it('in update mode, the latest revision of every (window, word) equals the brute-force window (property)', async () => {
    await fc.assert(
      fc.asyncProperty(eventBatches(), async (batches) => {
        const rows = await runTable(OutputMode.Update, batches);
        const latest = new Map<number, Map<string, { count: number; revision: number }>>();
        for (const row of rows.flat()) {
          const words = latest.get(row.window.end) ?? new Map<string, { count: number; revision: number }>();
          const known = words.get(row.key);
          if (known === undefined || row.revision > known.revision)
            words.set(row.key, { count: row.value, revision: row.revision });
          latest.set(row.window.end, words);
        }
        expect(countsOf(latest)).toEqual(plainCounts(bruteForce(batches).windows));
      }),
      { numRuns: 100 },
    );
  });

  it('in complete mode, the last batch emits every window of every event, none late (property)', async () => {
    await fc.assert(
      fc.asyncProperty(eventBatches(), async (batches) => {
        const rows = (await runTable(OutputMode.Complete, batches)).at(-1) ?? [];
        const table = new Map<number, Map<string, { count: number }>>();
        for (const row of rows) {
          const words = table.get(row.window.end) ?? new Map<string, { count: number }>();
          words.set(row.key, { count: row.value });
          table.set(row.window.end, words);
        }
        expect(countsOf(table)).toEqual(plainCounts(bruteForce(batches, 'kept').windows));
      }),
      { numRuns: 100 },
    );
  });
});

function eventBatches() {
  return fc.array(
    fc.array(
      fc.record({
        // whole seconds, so records often sit exactly on window ends and lateness bounds
        time: fc.integer({ min: 0, max: 300 }).map((seconds) => seconds * 1000),
        word: fc.constantFrom('spark', 'lambda', 'window', 'pane'),
      }),
      { minLength: 1, maxLength: 8 },
    ),
    { minLength: 1, maxLength: 8 },
  );
}

/** Runs the word count in an update or complete mode; returns the rows of every batch. */
async function runTable(
  outputMode: typeof OutputMode.Update | typeof OutputMode.Complete,
  batches: readonly (readonly Event[])[],
) {
  const emitted: WindowedRow<string, number>[][] = [];
  const counts = pipeline('windowed-word-count')
    .fromKinesis()
    .map((record) => decodeUtf8(record.value).split(' '))
    .withTimestamps(([time]) => Number(time))
    .mapToPair(([, word]) => [word ?? '', 1])
    .reduceByKeyAndWindow((a, b) => a + b, SPEC, { outputMode })
    .foreachBatch((rows) => void emitted.push([...rows]));
  const runtime = createInMemoryRuntime(counts, { clock: new ManualClock(1_000_000) });
  let n = 0;
  for (const batch of batches) {
    await runtime.process(PARTITION, records(batch, n));
    n += batch.length;
  }
  return emitted;
}

function countsOf(windows: ReadonlyMap<number, ReadonlyMap<string, { readonly count: number }>>) {
  return new Map(
    [...windows].map(([end, words]) => [
      end,
      Object.fromEntries([...words].map(([word, { count }]) => [word, count])),
    ]),
  );
}

function plainCounts(windows: ReadonlyMap<number, ReadonlyMap<string, number>>) {
  return new Map([...windows].map(([end, counts]) => [end, Object.fromEntries(counts)]));
}
