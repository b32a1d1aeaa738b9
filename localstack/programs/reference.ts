import { type WindowSpec, windowEndsContaining } from '../../lib/core';

/**
 * The reference for windowed seeds, in plain loops: batches in order, a record counts for a
 * window iff the window ends after (latest event time of earlier batches - allowed lateness).
 * Returns, per window end, the counts per key.
 */
export function referenceWindowCounts<T>(
  spec: WindowSpec,
  batches: readonly (readonly T[])[],
  timeOf: (item: T) => number,
  keyOf: (item: T) => string,
): Map<number, Map<string, number>> {
  const windows = new Map<number, Map<string, number>>();
  let clock = Number.NEGATIVE_INFINITY;
  for (const batch of batches) {
    for (const item of batch) {
      for (const end of windowEndsContaining(spec, timeOf(item))) {
        if (end <= clock - spec.allowedLatenessMs) continue;
        const counts = windows.get(end) ?? new Map<string, number>();
        counts.set(keyOf(item), (counts.get(keyOf(item)) ?? 0) + 1);
        windows.set(end, counts);
      }
    }
    for (const item of batch) clock = Math.max(clock, timeOf(item));
  }
  return windows;
}

/** The top `n` of a count map, ties by key: as the pipelines rank. */
export function referenceTop(counts: ReadonlyMap<string, number>, n: number): [string, number][] {
  return [...counts].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0])).slice(0, n);
}

/** Differences between the expected lines of each window (by end) and the printed blocks. */
export function compareWindowBlocks(
  expected: ReadonlyMap<number, readonly string[]>,
  printed: ReadonlyMap<number, readonly string[]>,
): string[] {
  const problems: string[] = [];
  for (const [end, lines] of expected) {
    if (JSON.stringify(printed.get(end)) !== JSON.stringify(lines)) {
      problems.push(
        `window ending ${end}: expected ${lines.join(' ')}, printed ${printed.get(end)?.join(' ')}`,
      );
    }
  }
  if (printed.size !== expected.size)
    problems.push(`printed ${printed.size} windows, expected ${expected.size}`);
  return problems;
}
