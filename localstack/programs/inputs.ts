/** Deterministic generators of the seed programs' inputs, shared by unit, end-to-end tests and the main job. */

/** A small deterministic PRNG (LCG). */
export function lcg(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    return state / 4294967296;
  };
}

const pick = <T>(random: () => number, items: readonly T[]): T =>
  items[Math.floor(random() * items.length)] as T;

/** A timestamped line with the record it becomes. */
export interface TimedLine {
  readonly time: number;
  readonly line: string;
  /** Generated 70-100 s behind the stream: late for every window it belongs to. */
  readonly late?: boolean;
}

/**
 * Search logs `"<epochMs> <user> <word>"` over `seconds` seconds from `start`, mostly in order,
 * some out of order by up to 4 s (within the 5 s lateness) and a few 70-100 s behind (late for every window).
 */
export function searchLogs(options: {
  start: number;
  seconds: number;
  perSecond: number;
  seed?: number;
  /** Probability of a late record. @default 0.03 */
  lateShare?: number;
}): TimedLine[] {
  const random = lcg(options.seed ?? 1);
  const words = ['spark', 'lambda', 'kinesis', 'window', 'state', 'shard', 'flink', 'beam'];
  const users = ['leo', 'mia', 'tom', 'ann'];
  const lines: TimedLine[] = [];
  for (let second = 0; second < options.seconds; second++) {
    for (let i = 0; i < options.perSecond; i++) {
      let time = options.start + second * 1000 + Math.floor(random() * 1000);
      const roll = random();
      const late = roll >= 0.1 && roll < 0.1 + (options.lateShare ?? 0.03);
      if (roll < 0.1) time -= Math.floor(random() * 4000);
      else if (late) time -= 70_000 + Math.floor(random() * 30_000);
      const word = random() < 0.5 ? pick(random, words.slice(0, 3)) : pick(random, words);
      lines.push({ time, line: `${time} ${pick(random, users)} ${word}`, late });
    }
  }
  return lines;
}

/** Click logs `"<epochMs> <user> <category> <product>"`, shaped like {@link searchLogs}. */
export function clickLogs(options: {
  start: number;
  seconds: number;
  perSecond: number;
  seed?: number;
}): TimedLine[] {
  const random = lcg(options.seed ?? 2);
  const catalog: Record<string, string[]> = {
    phone: ['iphone', 'pixel', 'galaxy', 'xperia'],
    laptop: ['macbook', 'thinkpad', 'xps'],
    tv: ['bravia', 'oled', 'qled', 'roku', 'vizio'],
  };
  const categories = Object.keys(catalog);
  return searchLogs({ ...options, seed: options.seed ?? 2 }).map(({ time, late }) => {
    const category = pick(random, categories);
    const products = catalog[category] ?? [];
    const product = random() < 0.6 ? (products[0] as string) : pick(random, products);
    return { time, line: `${time} user${Math.floor(random() * 9)} ${category} ${product}`, late };
  });
}

/** `count` lines of 1-6 words from an 8-word vocabulary (print blocks of such batches are never cut). */
export function vocabularyLines(count: number, seed = 3): string[] {
  const random = lcg(seed);
  const words = ['to', 'be', 'or', 'not', 'that', 'is', 'the', 'question'];
  return Array.from({ length: count }, () =>
    Array.from({ length: 1 + Math.floor(random() * 6) }, () => pick(random, words)).join(' '),
  );
}
