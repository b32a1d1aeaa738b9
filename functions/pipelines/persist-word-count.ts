import { decodeUtf8, pipeline } from '../../lib/core';
import { resultTable } from './result-table';
import { splitWords } from './stateful-word-count';

/**
 * The seed's PersistWordCount: running global word counts written into a database table from
 * `foreachBatch`, through one client per container. Writes are idempotent: each row carries the
 * running count as its sequence, so a replayed batch (same batch id, same counts) writes nothing
 * new, and an older batch never overwrites a newer count.
 */
export const persistWordCount = pipeline('persist-word-count')
  .fromKinesis()
  .map((record) => decodeUtf8(record.value))
  .flatMap(splitWords)
  .mapToPair((word) => [word, 1])
  .updateStateByKey<number>((values, state = 0) => values.reduce((sum, one) => sum + one, state), {
    name: 'global-word-counts',
  })
  .foreachBatch(async (counts, context) => {
    await resultTable().upsert(
      counts.map(([word, count]) => ({
        key: { word },
        attributes: { count, batchId: context.batchId },
        sequence: count,
      })),
    );
  });
