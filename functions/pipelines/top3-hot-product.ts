import { decodeUtf8, pipeline, slidingWindows } from '../../lib/core';
import { topN } from './top-n';

/**
 * The seed's Top3HotProduct: click logs (`"<epochMs> <user> <category> <product>"`), every 10 s,
 * per category, the 3 products with the most clicks in the last 60 s of event time, as
 * `(category,[(product,clicks)…])`.
 */
export const top3HotProduct = pipeline('top3-hot-product')
  .fromKinesis()
  .map((record) => decodeUtf8(record.value).split(' '))
  .filter((fields) => fields.length === 4)
  .withTimestamps(([time]) => Number(time))
  .mapToPair(([, , category, product]) => [`${category}_${product}`, 1])
  .reduceByKeyAndWindow(
    (a, b) => a + b,
    slidingWindows({ lengthMs: 60_000, slideMs: 10_000, allowedLatenessMs: 5_000 }),
    {
      name: 'product-clicks',
    },
  )
  .transform((clicks) => {
    const byCategory = new Map<string, [string, number][]>();
    for (const [categoryProduct, count] of clicks) {
      const [category = '', product = ''] = categoryProduct.split('_');
      const products = byCategory.get(category);
      if (products === undefined) byCategory.set(category, [[product, count]]);
      else products.push([product, count]);
    }
    return [...byCategory.keys()]
      .sort()
      .map((category) => [category, topN(byCategory.get(category) ?? [], 3)] as const);
  })
  .print(100);
