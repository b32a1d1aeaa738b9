import { windowHotWord } from '../../functions/pipelines/window-hot-word';
import { slidingWindows } from '../../lib/core';
import { searchLogs, type TimedLine } from './inputs';
import { parsePrintedBlocks } from './printed-blocks';
import { compareWindowBlocks, referenceTop, referenceWindowCounts } from './reference';
import { windowedProgram } from './windowed-program';

const SPEC = slidingWindows({ lengthMs: 60_000, slideMs: 10_000, allowedLatenessMs: 5_000 });

/** Phase 1: 150 s of search logs ending 2 minutes ago; phase 2: 2 s more plus late lines 70-100 s behind. */
export function twoPhases(generate: typeof searchLogs, now: number) {
  const start = Math.floor((now - 300_000) / 1000) * 1000;
  const phase1 = generate({ start, seconds: 150, perSecond: 4, lateShare: 0 });
  const end = Math.max(...phase1.map((item) => item.time));
  const next = generate({ start: end + 1, seconds: 2, perSecond: 4, lateShare: 0, seed: 9 });
  const late = generate({ start: end - 100_000, seconds: 5, perSecond: 1, lateShare: 0, seed: 11 }).map(
    (item): TimedLine => ({ ...item, late: true }),
  );
  return { phase1, phase2: [...next, ...late] };
}

/** Checks printed top-3 blocks against plain-loop window counts of the on-time lines. */
function verifyTopWords(onTime: readonly TimedLine[], blocks: readonly string[]): string[] {
  const reference = referenceWindowCounts(
    SPEC,
    [onTime],
    (item) => item.time,
    (item) => item.line.split(' ')[2] ?? '',
  );
  const expected = new Map(
    [...reference].map(([end, counts]) => [
      end,
      referenceTop(counts, 3).map(([word, count]) => `(${word},${count})`),
    ]),
  );
  return compareWindowBlocks(expected, parsePrintedBlocks(blocks));
}

/** WindowHotWord: every 10 s, the top 3 search words of the last 60 s of event time. */
export const windowHotWordProgram = windowedProgram({
  name: 'window-hot-word',
  description:
    'WindowHotWord: every 10 s the top 3 search words of the last 60 s (reduceByKeyAndWindow, event time)',
  pipeline: windowHotWord,
  input: (now) => twoPhases(searchLogs, now),
  verify: verifyTopWords,
});
