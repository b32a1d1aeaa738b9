import type { Context, KinesisStreamBatchResponse, KinesisStreamEvent } from 'aws-lambda';
import { describeError, type Pipeline, type SourceRecord, SourceKind } from '../core';
import { EmfMetricsSink } from '../metrics';
import { KinesisPartitionIdFormat, kinesisStreamIdentity, parseKinesisEvent } from '../sources';
import { assertSourceKind, createRuntimeLoader, errorCodeOf, type HandlerOptions } from './runtime';
import { isRecordsEvent, isWindowTick, unexpectedEventError, type WindowTickEvent } from './window-tick';

/** The `eventSource` of Kinesis event records. */
const KINESIS_EVENT_SOURCE = 'aws:kinesis';

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
 * Every failed shard batch (and every shard of an invocation whose cold start failed) is also
 * recorded as a `FailedBatches` metric: partial failures never raise Lambda's `Errors` metric, and
 * under the blocking failure policy this metric and the iterator age are what page a person.
 *
 * Records whose envelope cannot be read (no `kinesis`, no usable `eventID` or `eventSourceARN`,
 * missing or non-base64 `data`, a non-numeric sequence number) are dead-lettered with their JSON
 * and the rest is processed; if that dead-letter write fails the invocation fails and Lambda
 * retries the whole batch (the entries' ids are deterministic). Partitions are identified by
 * stream and shard (`kinesisPartitionId`); a namespace created before that adopts each shard's
 * old ledger on first sight (see `ProcessPartitionOptions.legacyPartition`).
 *
 * @throws {@link InvalidConfigurationError} when the pipeline does not read from Kinesis, or (per
 *   invocation) when the event is neither a Kinesis batch nor the window trigger `{"sparkless":"tick"}`
 * @example
 * // functions/stateful-word-count/handler.ts
 * export const handler = createKinesisHandler(statefulWordCount);
 */
export function createKinesisHandler(
  pipeline: Pipeline,
  options: KinesisHandlerOptions = {},
): KinesisHandler {
  assertSourceKind(pipeline, SourceKind.Kinesis, 'createKinesisHandler');
  const metrics = options.metrics ?? new EmfMetricsSink();
  const load = createRuntimeLoader(pipeline, { ...options, metrics });
  const recordFailure = (partition: string, records: readonly SourceRecord[], error: unknown): void =>
    metrics.recordFailure({
      pipeline: pipeline.name,
      partition,
      records: records.length,
      errorCode: errorCodeOf(error),
      time: Date.now(),
    });

  return async (event) => {
    let runtime: Awaited<ReturnType<typeof load>>;
    try {
      runtime = await load();
    } catch (error) {
      if (isRecordsEvent(event, KINESIS_EVENT_SOURCE)) {
        for (const { partition, records } of parseKinesisEvent(event).shards) {
          recordFailure(partition, records, error);
        }
      }
      throw error;
    }
    const { executor, firer, checkpoint } = runtime;
    if (isWindowTick(event)) {
      if (firer !== undefined) await firer.fire();
      return { batchItemFailures: [] };
    }
    if (!isRecordsEvent(event, KINESIS_EVENT_SOURCE)) {
      throw unexpectedEventError(event, 'a Kinesis batch (Records from a Kinesis event source mapping)');
    }
    const delivery = parseKinesisEvent(event);
    await executor.deadLetterEnvelopes(delivery.malformed);
    const legacyIds = checkpoint.legacyPartitionIdFormat === KinesisPartitionIdFormat.ShardId;
    const batchItemFailures: KinesisStreamBatchResponse['batchItemFailures'] = [];
    for (const { partition, shardId, eventSourceArn, records } of delivery.shards) {
      try {
        await executor.processPartition(partition, records, {
          checkHistory: true,
          sourceDescription: `kinesis[stream=${streamNameOf(eventSourceArn)}, shard=${shardId}]`,
          ...(legacyIds ? { legacyPartition: shardId } : {}),
        });
      } catch (error) {
        const first = records[0];
        if (first !== undefined) batchItemFailures.push({ itemIdentifier: first.offset });
        recordFailure(partition, records, error);
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

/**
 * The stream name of a record's `eventSourceARN` (a stream ARN, or an enhanced fan-out consumer ARN,
 * which names its stream), else the ARN as given.
 */
function streamNameOf(eventSourceArn: string): string {
  const stream = kinesisStreamIdentity(eventSourceArn);
  const marker = ':stream/';
  const at = stream.indexOf(marker);
  return at < 0 ? stream : stream.slice(at + marker.length);
}
