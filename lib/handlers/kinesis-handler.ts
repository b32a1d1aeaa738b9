import type { Context, KinesisStreamBatchResponse, KinesisStreamEvent } from 'aws-lambda';
import { describeError, type Pipeline, SourceKind } from '../core';
import { kinesisEventToRecords } from '../sources';
import { assertSourceKind, createRuntimeLoader, type HandlerOptions } from './runtime';
import { isWindowTick, type WindowTickEvent } from './window-tick';

/** Options of {@link createKinesisHandler}: the shared {@link HandlerOptions}. */
export type KinesisHandlerOptions = HandlerOptions;

/** The Lambda handler type returned by {@link createKinesisHandler}: Kinesis batches and the window trigger. */
export type KinesisHandler = (
  event: KinesisStreamEvent | WindowTickEvent,
  context?: Context,
) => Promise<KinesisStreamBatchResponse>;

/**
 * Builds the Lambda handler for a pipeline fed by a Kinesis event source mapping with
 * `ReportBatchItemFailures`. Clients, stores and the checkpoint are set up once per container by
 * the shared composition root ({@link createRuntimeLoader}: the checkpoint is checked against the
 * pipeline's plan on cold start, Spark's `getOrCreate`), then every invocation runs the
 * `BatchExecutor` per shard.
 *
 * A failed shard reports its first record as the batch item failure, so Lambda retries
 * from there; the executor finishes any half-done batch first and skips what was committed.
 *
 * @throws {@link InvalidConfigurationError} when the pipeline does not read from Kinesis
 * @example
 * // functions/stateful-word-count/handler.ts
 * export const handler = createKinesisHandler(statefulWordCount);
 */
export function createKinesisHandler(
  pipeline: Pipeline,
  options: KinesisHandlerOptions = {},
): KinesisHandler {
  assertSourceKind(pipeline, SourceKind.Kinesis, 'createKinesisHandler');
  const load = createRuntimeLoader(pipeline, options);

  return async (event) => {
    const { executor, firer } = await load();
    if (isWindowTick(event)) {
      if (firer !== undefined) await firer.fire();
      return { batchItemFailures: [] };
    }
    const batchItemFailures: KinesisStreamBatchResponse['batchItemFailures'] = [];
    for (const [partition, records] of kinesisEventToRecords(event as KinesisStreamEvent)) {
      try {
        await executor.processPartition(partition, records);
      } catch (error) {
        const first = records[0];
        if (first !== undefined) batchItemFailures.push({ itemIdentifier: first.offset });
        console.error(
          JSON.stringify({
            level: 'ERROR',
            message: 'batch failed; Lambda will retry it',
            partition,
            error: describeError(error),
          }),
        );
      }
    }
    return { batchItemFailures };
  };
}
