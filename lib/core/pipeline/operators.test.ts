import { describe, expect, expectTypeOf, it } from 'vitest';
import { lines } from '../../../test/factories/pipelines';
import { textRecords } from '../../../test/factories/records';
import { type CombineFn, referenceData, staticValue } from '..';
import { InMemoryRunner } from '../runner';
import type { Pipeline } from './pipeline';

/** Runs `pipeline` over batches of lines and returns what its foreachBatch collected per batch. */
async function run<T>(build: (collect: (values: readonly T[]) => void) => Pipeline, batches: string[][]) {
  const collected: T[][] = [];
  const runner = new InMemoryRunner(build((values) => collected.push([...values])));
  let n = 0;
  for (const batch of batches) {
    await runner.runBatch(textRecords(batch, { firstN: n }));
    n += batch.length;
  }
  return { collected, runner };
}

const words = (name?: string) => lines(name).flatMap((line) => line.split(' '));

describe('Operators', () => {
  it('keyBy pairs each element with its key', async () => {
    const { collected } = await run<readonly [number, string]>(
      (collect) =>
        words()
          .keyBy((word) => word.length)
          .foreachBatch(collect),
      [['ab c']],
    );
    expect(collected).toEqual([
      [
        [2, 'ab'],
        [1, 'c'],
      ],
    ]);
  });

  it('mapValues and flatMapValues keep the key', async () => {
    const { collected } = await run<readonly [string, string]>(
      (collect) =>
        words()
          .mapToPair((word) => [word, word.length])
          .mapValues((n) => n * 10)
          .flatMapValues((n) => [`${n}a`, `${n}b`])
          .foreachBatch(collect),
      [['xy']],
    );
    expect(collected).toEqual([
      [
        ['xy', '20a'],
        ['xy', '20b'],
      ],
    ]);
  });

  it('union merges streams of the same batch', async () => {
    const { collected } = await run<string>(
      (collect) => {
        const all = words();
        return all
          .filter((word) => word.startsWith('a'))
          .union(all.filter((word) => word.startsWith('b')).map((word) => word.toUpperCase()))
          .foreachBatch(collect);
      },
      [['ab bc cd']],
    );
    expect(collected).toEqual([['ab', 'BC']]);
  });

  it('count gives one element per batch, 0 for an empty batch', async () => {
    const { collected } = await run<number>(
      (collect) =>
        words()
          .filter((word) => word !== 'skip')
          .count()
          .foreachBatch(collect),
      [['a b c'], ['skip']],
    );
    expect(collected).toEqual([[3], [0]]);
  });

  it('countByValue counts each distinct element', async () => {
    const { collected } = await run<readonly [string, number]>(
      (collect) => words().countByValue().foreachBatch(collect),
      [['a b a']],
    );
    expect(collected).toEqual([
      [
        ['a', 2],
        ['b', 1],
      ],
    ]);
  });

  it('reduce merges a batch, and yields nothing for an empty batch', async () => {
    const { collected } = await run<string>(
      (collect) =>
        words()
          .filter((word) => word !== '-')
          .reduce((a, b) => (a > b ? a : b))
          .foreachBatch(collect),
      [['pear apple'], ['-']],
    );
    expect(collected).toEqual([['pear'], []]);
  });

  it('groupByKey collects values per key in offset order', async () => {
    const { collected } = await run<readonly [string, number[]]>(
      (collect) =>
        words()
          .mapToPair((word) => [word[0] ?? '', word.length])
          .groupByKey()
          .foreachBatch(collect),
      [['ab a abc', 'b']],
    );
    expect(collected).toEqual([
      [
        ['a', [2, 1, 3]],
        ['b', [1]],
      ],
    ]);
  });

  it('combineByKey merges with a mergeable accumulator', async () => {
    const mean: CombineFn<number, { sum: number; n: number }, number> = {
      createAccumulator: () => ({ sum: 0, n: 0 }),
      addInput: (acc, x) => ({ sum: acc.sum + x, n: acc.n + 1 }),
      mergeAccumulators: (accs) => accs.reduce((a, b) => ({ sum: a.sum + b.sum, n: a.n + b.n })),
      extractOutput: (acc) => acc.sum / acc.n,
    };
    const { collected } = await run<readonly [string, number]>(
      (collect) =>
        lines()
          .mapToPair((line) => [line.split('=')[0] ?? '', Number(line.split('=')[1])])
          .combineByKey(mean)
          .foreachBatch(collect),
      [['t=1', 't=2', 'u=5']],
    );
    expect(collected).toEqual([
      [
        ['t', 1.5],
        ['u', 5],
      ],
    ]);
  });

  describe('with reference data', () => {
    const prices = referenceData<ReadonlyMap<string, number>>('prices', {
      source: staticValue({ apple: 3, pear: 5 }),
      parse: (loaded) => new Map(Object.entries(loaded as Record<string, number>)),
    });
    const blacklist = referenceData<ReadonlySet<string>>('blacklist', {
      source: staticValue(['mallory']),
      parse: (names) => new Set(names as string[]),
    });

    it('transform filters a batch against a blacklist (the seed)', async () => {
      const { collected, runner } = await run<string>(
        (collect) =>
          lines()
            .transform(
              (clicks, { references }) => clicks.filter((user) => !references.get(blacklist).has(user)),
              {
                references: [blacklist],
              },
            )
            .foreachBatch(collect),
        [['alice', 'mallory', 'bob']],
      );
      expect(collected).toEqual([['alice', 'bob']]);
      expect(runner.deadLetters).toEqual([]);
    });

    it('join keeps matches, leftOuterJoin keeps all, cogroup groups both sides', async () => {
      const pairs = () => words().mapToPair((word) => [word, 1]);
      const joined = await run<readonly [string, readonly [number, number]]>(
        (collect) => pairs().join(prices).foreachBatch(collect),
        [['apple kiwi']],
      );
      const outer = await run<readonly [string, readonly [number, number | undefined]]>(
        (collect) => pairs().leftOuterJoin(prices).foreachBatch(collect),
        [['apple kiwi']],
      );
      const grouped = await run<readonly [string, readonly [number[], number[]]]>(
        (collect) => pairs().cogroup(prices).foreachBatch(collect),
        [['pear kiwi pear']],
      );
      expect(joined.collected).toEqual([[['apple', [1, 3]]]]);
      expect(outer.collected).toEqual([
        [
          ['apple', [1, 3]],
          ['kiwi', [1, undefined]],
        ],
      ]);
      expect(grouped.collected).toEqual([
        [
          ['pear', [[1, 1], [5]]],
          ['kiwi', [[1], []]],
        ],
      ]);
    });

    it('the plan lists the reference data the pipeline reads', () => {
      const plan = words('refs')
        .mapToPair((word) => [word, 1])
        .join(prices)
        .print().plan;
      expect(plan.references).toEqual([{ name: 'prices', source: prices.source, refreshIntervalMs: 60_000 }]);
    });
  });

  it('saveAsTextFiles writes one object per batch, named after the batch', async () => {
    const runner = new InMemoryRunner(words().countByValue().saveAsTextFiles('out/counts', 'txt'));
    await runner.runBatch(textRecords(['a b a']));
    expect(Object.fromEntries(runner.textFiles)).toEqual({
      'out/counts-0.txt/part-shardId-000000000000': '(a,2)\n(b,1)\n',
    });
  });

  it('filter with a type guard narrows the element type', () => {
    const numbers = lines().map((line): string | number => (line === '' ? 0 : line));
    expectTypeOf(numbers.filter((value): value is number => typeof value === 'number')).toEqualTypeOf<
      ReturnType<typeof numbers.count>
    >();
  });
});
