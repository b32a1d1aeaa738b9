import { splitWords } from '../../functions/pipelines/stateful-word-count';
import { WriteAheadLog } from '../../lib/checkpoint';
import { type BatchContext, type Clock, decodeUtf8, ManualClock, pipeline } from '../../lib/core';
import { MemoryPartitionLedgerStore } from '../../lib/ledger';
import { MemoryMetricsSink } from '../../lib/metrics';
import { MemoryProgressStore, type ProgressSink, type ProgressSources } from '../../lib/progress';
import { BatchExecutor } from '../../lib/runtime';
import { MemoryDeadLetterSink } from '../../lib/sinks';
import { MemoryKeyedStateStore } from '../../lib/state';
import { MemoryObjectStore } from '../../lib/storage';

/**
 * A running word count (`counts`) with a `foreachBatch` output over the in-memory stores: the
 * executor, what each store holds, and a switch that makes the next batch's output throw after its
 * state writes (a crash that leaves the claim open).
 *
 * @example
 * const world = wordCountWorld();
 * await world.executor.processPartition('shardId-000000000000', textRecords(['a b']));
 */
export function wordCountWorld(
  options: {
    readonly failForeachBatchOnce?: boolean;
    readonly state?: MemoryKeyedStateStore;
    /** Where the executor sends progress (none by default). */
    readonly progress?: ProgressSink;
    /** The executor's clock (default: the returned manual clock, at 1000). */
    readonly clock?: Clock;
  } = {},
) {
  const batches: Array<{ context: BatchContext; words: readonly (readonly [string, number])[] }> = [];
  let failures = options.failForeachBatchOnce ? 1 : 0;
  const counting = pipeline('word-count')
    .fromKinesis()
    .map((record) => decodeUtf8(record.value))
    .flatMap(splitWords)
    .mapToPair((word) => [word, 1])
    .updateStateByKey<number>((values, state = 0) => values.reduce((a, b) => a + b, state), {
      name: 'counts',
    })
    .foreachBatch((words, context) => {
      if (failures-- > 0) throw new Error('sink unavailable');
      batches.push({ context, words });
    });
  const state = options.state ?? new MemoryKeyedStateStore();
  const ledger = new MemoryPartitionLedgerStore();
  const objects = new MemoryObjectStore();
  const deadLetters = new MemoryDeadLetterSink();
  const metrics = new MemoryMetricsSink();
  const clock = new ManualClock(1_000);
  const executor = new BatchExecutor({
    pipeline: counting,
    namespace: 'wc',
    state,
    ledger,
    writeAheadLog: new WriteAheadLog(objects, 'wc'),
    deadLetters,
    metrics,
    clock: options.clock ?? clock,
    print: () => undefined,
    ...(options.progress === undefined ? {} : { progress: options.progress, runId: 'v1' }),
  });
  const counts = async () =>
    Object.fromEntries([...(await state.scan('counts'))].map(([key, count]) => [JSON.parse(key), count]));
  const failNextBatch = () => void (failures = 1);
  return { executor, batches, deadLetters, metrics, state, ledger, clock, counts, failNextBatch };
}

/** What a plain count of the words of `lines` gives: the reference every exactly-once count must equal. */
export function plainWordCount(lines: readonly string[]): Record<string, number> {
  const out: Record<string, number> = {};
  for (const word of lines.flatMap(splitWords)) out[word] = (out[word] ?? 0) + 1;
  return out;
}

/**
 * {@link wordCountWorld} with its progress kept in memory, and the sources `status` and
 * `recentProgress` read (pipeline `word-count`, namespace `wc`).
 */
export function wordCountProgressWorld() {
  const progress = new MemoryProgressStore();
  const running = wordCountWorld({ progress });
  const sources: ProgressSources = {
    pipeline: 'word-count',
    namespace: 'wc',
    ledger: running.ledger,
    progress,
  };
  return { ...running, progress, sources };
}
