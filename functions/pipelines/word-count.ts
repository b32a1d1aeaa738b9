import { decodeUtf8, pipeline } from '../../lib/core';
import { splitWords } from './stateful-word-count';

/**
 * The seed's WordCount: the word counts of every batch (no state across batches), printed
 * Spark-style, like `lines.flatMap(split).mapToPair((w, 1)).reduceByKey(+).print()`.
 */
export const wordCount = pipeline('word-count')
  .fromKinesis()
  .map((record) => decodeUtf8(record.value))
  .flatMap(splitWords)
  .mapToPair((word) => [word, 1])
  .reduceByKey((a, b) => a + b)
  .print();
