import { decodeUtf8, pipeline, slidingWindows } from '../../lib/core';
import { topN } from './top-n';

/**
 * The seed's WindowHotWord: search logs (`"<epochMs> <user> <word>"`), every 10 s the 3 most
 * searched words of the last 60 s (`reduceByKeyAndWindow(+, 60s, 10s)`, then a sort per window),
 * by the logs' event time with 5 s of allowed lateness.
 */
export const windowHotWord = pipeline('window-hot-word')
  .fromKinesis()
  .map((record) => decodeUtf8(record.value).split(' '))
  .filter((fields) => fields.length === 3)
  .withTimestamps(([time]) => Number(time))
  .mapToPair(([, , word]) => [word ?? '', 1])
  .reduceByKeyAndWindow(
    (a, b) => a + b,
    slidingWindows({ lengthMs: 60_000, slideMs: 10_000, allowedLatenessMs: 5_000 }),
    {
      name: 'search-counts',
    },
  )
  .transform((counts) => topN(counts, 3))
  .print();
