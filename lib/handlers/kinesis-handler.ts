import type { Context, KinesisStreamBatchResponse, KinesisStreamEvent } from 'aws-lambda';
import { CheckpointManager, WriteAheadLog } from '../checkpoint';
import { type Clock, describeError, type Pipeline, systemClock } from '../core';
import { DynamoDbPartitionLedgerStore } from '../ledger';
import { EmfMetricsSink, type MetricsSink } from '../metrics';
import { BatchExecutor } from '../runtime';
import { ObjectStoreDeadLetterSink } from '../sinks';
import { kinesisEventToRecords } from '../sources';
import { DynamoDbKeyedStateStore } from '../state';
import { S3ObjectStore } from '../storage';
import { createDefaultClients, type HandlerClients } from './default-clients';
import { readHandlerConfig } from './environment';

/** Options of {@link createKinesisHandler}. */
export interface KinesisHandlerOptions {
  /**
   * AWS clients; pass them to share connections or to point at a local stack.
   *
   * @default clients built once per container from the environment
   */
  readonly clients?: HandlerClients;
  /**
   * The environment to read configuration from.
   *
   * @default process.env
   */
  readonly environment?: Readonly<Record<string, string | undefined>>;
  /**
   * The clock for batch times.
   *
   * @default the system clock
   */
  readonly clock?: Clock;
  /**
   * Where `print` blocks go.
   *
   * @default process.stdout (the function log)
   */
  readonly print?: (block: string) => void;
  /**
   * Where per-batch metrics go.
   *
   * @default CloudWatch Embedded Metric Format lines on stdout
   */
  readonly metrics?: MetricsSink;
  /**
   * Minimum milliseconds between two offset snapshots of a partition into the checkpoint.
   *
   * @default 60000
   */
  readonly offsetsSnapshotIntervalMs?: number;
}

/** The Lambda handler type returned by {@link createKinesisHandler}. */
export type KinesisHandler = (
  event: KinesisStreamEvent,
  context?: Context,
) => Promise<KinesisStreamBatchResponse>;

/**
 * Builds the Lambda handler for a pipeline fed by a Kinesis event source mapping with
 * `ReportBatchItemFailures`. The composition root: clients, stores and the checkpoint are
 * set up once per container (the checkpoint is checked against the pipeline's plan on cold
 * start, Spark's `getOrCreate`), then every invocation runs the {@link BatchExecutor} per shard.
 *
 * A failed shard reports its first record as the batch item failure, so Lambda retries
 * from there; the executor finishes any half-done batch first and skips what was committed.
 *
 * @example
 * // functions/stateful-word-count/handler.ts
 * export const handler = createKinesisHandler(statefulWordCount);
 */
export function createKinesisHandler(
  pipeline: Pipeline,
  options: KinesisHandlerOptions = {},
): KinesisHandler {
  let executor: Promise<BatchExecutor> | undefined;
  const coldStart = async (): Promise<BatchExecutor> => {
    const env = options.environment ?? process.env;
    const clock = options.clock ?? systemClock;
    const plan = pipeline.plan;
    const config = readHandlerConfig(plan, env);
    const clients = options.clients ?? createDefaultClients(env);
    const objects = new S3ObjectStore({ client: clients.s3, bucket: config.checkpointBucket });
    const checkpoint = new CheckpointManager(objects, config.namespace);
    await checkpoint.getOrCreate(plan, {
      codeVersion: config.codeVersion,
      config: { stateTable: config.stateTable, checkpointBucket: config.checkpointBucket },
      now: clock.now(),
    });
    const table = { client: clients.dynamodb, tableName: config.stateTable, namespace: config.namespace };
    return new BatchExecutor({
      pipeline,
      namespace: config.namespace,
      state: new DynamoDbKeyedStateStore(table),
      ledger: new DynamoDbPartitionLedgerStore(table),
      writeAheadLog: new WriteAheadLog(objects, config.namespace),
      deadLetters: new ObjectStoreDeadLetterSink(objects, config.namespace),
      checkpoint,
      clock,
      metrics: options.metrics ?? new EmfMetricsSink(),
      ...(options.print === undefined ? {} : { print: options.print }),
      ...(options.offsetsSnapshotIntervalMs === undefined
        ? {}
        : { offsetsSnapshotIntervalMs: options.offsetsSnapshotIntervalMs }),
    });
  };

  return async (event) => {
    executor ??= coldStart().catch((error: unknown) => {
      executor = undefined;
      throw error;
    });
    const runtime = await executor;
    const batchItemFailures: KinesisStreamBatchResponse['batchItemFailures'] = [];
    for (const [partition, records] of kinesisEventToRecords(event)) {
      try {
        await runtime.processPartition(partition, records);
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
