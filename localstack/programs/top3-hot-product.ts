import { top3HotProduct } from '../../functions/pipelines/top3-hot-product';
import { slidingWindows } from '../../lib/core';
import { clickLogs, type TimedLine } from './inputs';
import { parsePrintedBlocks } from './printed-blocks';
import { compareWindowBlocks, referenceTop, referenceWindowCounts } from './reference';
import { twoPhases } from './window-hot-word';
import { windowedProgram } from './windowed-program';

const SPEC = slidingWindows({ lengthMs: 60_000, slideMs: 10_000, allowedLatenessMs: 5_000 });

function verify(onTime: readonly TimedLine[], blocks: readonly string[]): string[] {
  const reference = referenceWindowCounts(
    SPEC,
    [onTime],
    (item) => item.time,
    (item) => item.line.split(' ').slice(2).join('_'),
  );
  const expected = new Map<number, string[]>();
  for (const [end, counts] of reference) {
    const byCategory = new Map<string, Map<string, number>>();
    for (const [categoryProduct, count] of counts) {
      const [category = '', product = ''] = categoryProduct.split('_');
      byCategory.set(category, (byCategory.get(category) ?? new Map<string, number>()).set(product, count));
    }
    expected.set(
      end,
      [...byCategory.keys()].sort().map((category) => {
        const top = referenceTop(byCategory.get(category) ?? new Map<string, number>(), 3);
        return `(${category},(${top.map(([product, count]) => `(${product},${count})`).join(',')}))`;
      }),
    );
  }
  return compareWindowBlocks(expected, parsePrintedBlocks(blocks));
}

/** Top3HotProduct: every 10 s, per category, the 3 most clicked products of the last 60 s. */
export const top3HotProductProgram = windowedProgram({
  name: 'top3-hot-product',
  description: 'Top3HotProduct: every 10 s, per category, the top 3 products by clicks in the last 60 s',
  pipeline: top3HotProduct,
  input: (now) => twoPhases(clickLogs, now),
  verify,
});
