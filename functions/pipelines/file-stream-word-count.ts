import { decodeUtf8, pipeline } from '../../lib/core';
import { splitWords } from './stateful-word-count';

/** The key prefix under which new text files are counted. */
export const FILE_STREAM_INPUT_PREFIX = 'input/';

/**
 * The seed's HdfsWordCount (Spark's `textFileStream`): the word counts of the lines of every new
 * file under `input/`, per batch (no state across batches), printed Spark-style. Each file version
 * is counted exactly once; a line that is not valid UTF-8 is dead-lettered.
 */
export const fileStreamWordCount = pipeline('file-stream-word-count')
  .fromTextFiles({ prefix: FILE_STREAM_INPUT_PREFIX })
  .map((record) => decodeUtf8(record.value))
  .flatMap(splitWords)
  .mapToPair((word) => [word, 1])
  .reduceByKey((a, b) => a + b)
  .print();
