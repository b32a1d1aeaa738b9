import { decodeUtf8, pipeline } from '../../lib/core';

/** Splits a line into words: whitespace-separated, empty strings dropped. */
export function splitWords(line: string): string[] {
  return line.split(/\s+/).filter((word) => word.length > 0);
}

/**
 * The seed's UpdateStateByKeyWordCount: running global word counts over the whole stream,
 * each record counted exactly once, printed Spark-style after every batch.
 */
export const statefulWordCount = pipeline('stateful-word-count')
  .fromKinesis()
  .map((record) => decodeUtf8(record.value))
  .flatMap(splitWords)
  .mapToPair((word) => [word, 1])
  .updateStateByKey<number>((values, state = 0) => values.reduce((sum, one) => sum + one, state), {
    name: 'global-word-counts',
  })
  .print(20);
