import { decodeUtf8, type Pipeline, pipeline } from '../../lib/core';
import type { TableSink } from '../../lib/sinks';
import { resultTable } from './result-table';
import { splitWords } from './stateful-word-count';

/**
 * The seed's PersistWordCount: running global word counts written into a database table from
 * `foreachBatch`, through one client per container. Writes are idempotent: each row carries the
 * running count as its sequence, so a replayed batch (same batch id, same counts) writes nothing
 * new, and an older batch never overwrites a newer count. A word the table can never hold (a key
 * above DynamoDB's 2,048 bytes) is dead-lettered through the batch context; the other rows are
 * written and the batch commits.
 *
 * @param table the result table, resolved when a batch writes; by default the pipeline's result table
 * (`SPARKLESS_RESULT_TABLE`), one client per container
 */
export function createPersistWordCount(table: () => TableSink = resultTable): Pipeline {
  return pipeline('persist-word-count')
    .fromKinesis()
    .map((record) => decodeUtf8(record.value))
    .flatMap(splitWords)
    .mapToPair((word) => [word, 1])
    .updateStateByKey<number>((values, state = 0) => values.reduce((sum, one) => sum + one, state), {
      name: 'global-word-counts',
    })
    .foreachBatch(async (counts, context) => {
      await table().upsert(
        counts.map(([word, count]) => ({
          key: { word },
          attributes: { count, batchId: context.batchId },
          sequence: count,
        })),
        { deadLetters: context },
      );
    });
}

/** The PersistWordCount pipeline as deployed: see {@link createPersistWordCount}. */
export const persistWordCount = createPersistWordCount();
