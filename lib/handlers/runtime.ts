import { CheckpointManager, type MetadataCheckpoint, WriteAheadLog } from '../checkpoint';
import {
  type Clock,
  InvalidConfigurationError,
  type Pipeline,
  type SourceKind,
  systemClock,
  withPipelineBucket,
} from '../core';
import { DynamoDbPartitionLedgerStore, type PartitionLedgerStore } from '../ledger';
import { EmfMetricsSink, type MetricsSink } from '../metrics';
import { DynamoDbProgressStore, type ProgressSink } from '../progress';
import { BatchExecutor } from '../runtime';
import { DynamoDbTableReferenceLoader, ReferenceDataCache, S3JsonReferenceLoader } from '../reference';
import { ObjectStoreDeadLetterSink, ObjectStoreTextFileSink, validateTextFilePrefix } from '../sinks';
import { DynamoDbKeyedStateStore } from '../state';
import { S3ObjectStore } from '../storage';
import { DynamoDbWindowProgressStore, WindowFirer } from '../windows';
import { createDefaultClients, type HandlerClients } from './default-clients';
import { type HandlerConfig, readHandlerConfig } from './environment';

/** Options every Sparkless handler factory takes. */
export interface HandlerOptions {
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
  /**
   * Where each batch's progress record and each failed attempt's failure event go.
   *
   * @default a {@link DynamoDbProgressStore} in the state table (kept 7 days)
   */
  readonly progress?: ProgressSink;
}

/** What a handler runs with, set up once per container by {@link createRuntimeLoader}. */
export interface PipelineRuntime {
  /** The executor, wired to DynamoDB and S3. */
  readonly executor: BatchExecutor;
  /**
   * Fires due windows and sweeps due `mapWithState` timeouts (scheduled trigger); absent when the
   * pipeline needs no scheduled trigger (no windowed operator, no timeout).
   */
  readonly firer: WindowFirer | undefined;
  /** The AWS clients (a source reads its input with them). */
  readonly clients: HandlerClients;
  /** The executor's partition ledger (recover reads the main partition's claims from it). */
  readonly ledger: PartitionLedgerStore;
  /** The executor's write-ahead log. */
  readonly writeAheadLog: WriteAheadLog;
  /** The validated configuration. */
  readonly config: HandlerConfig;
  /** The pipeline's name, for dead-letter entries written outside a batch. */
  readonly pipelineName: string;
  /** The metadata checkpoint as loaded (or created) on cold start. */
  readonly checkpoint: MetadataCheckpoint;
}

/** How a handler factory wants its runtime set up. */
export interface RuntimeSettings {
  /**
   * Snapshot committed offsets into the metadata checkpoint. Useful for long-lived partitions
   * (shards); a file source has a partition per object version, so it leaves them to the ledger.
   *
   * @default true
   */
  readonly snapshotOffsets?: boolean;
}

/**
 * The composition root shared by the handler factories: returns a loader that, on first call
 * (the container's cold start), reads the configuration, builds the clients (unless given), loads
 * or creates the metadata checkpoint and checks it against the pipeline's plan (Spark's
 * `getOrCreate`), and wires the {@link BatchExecutor} to DynamoDB and S3. Later calls return the
 * same runtime; a failed cold start is retried by the next call.
 *
 * @example
 * const load = createRuntimeLoader(pipeline, options);
 * export const handler = async (event) => {
 *   const { executor } = await load();
 *   // ...
 * };
 */
export function createRuntimeLoader(
  pipeline: Pipeline,
  options: HandlerOptions = {},
  settings: RuntimeSettings = {},
): () => Promise<PipelineRuntime> {
  let runtime: Promise<PipelineRuntime> | undefined;
  const coldStart = async (): Promise<PipelineRuntime> => {
    const env = options.environment ?? process.env;
    const clock = options.clock ?? systemClock;
    const plan = pipeline.plan;
    const config = readHandlerConfig(plan, env);
    const clients = options.clients ?? createDefaultClients(env);
    const objects = new S3ObjectStore({ client: clients.s3, bucket: config.checkpointBucket });
    const checkpoint = new CheckpointManager(objects, config.namespace);
    const metadata = await checkpoint.getOrCreate(plan, {
      codeVersion: config.codeVersion,
      config: { stateTable: config.stateTable, checkpointBucket: config.checkpointBucket },
      now: clock.now(),
    });
    const table = { client: clients.dynamodb, tableName: config.stateTable, namespace: config.namespace };
    const state = new DynamoDbKeyedStateStore({ ...table, largeStates: objects });
    const ledger = new DynamoDbPartitionLedgerStore(table);
    const deadLetters = new ObjectStoreDeadLetterSink(objects, config.namespace);
    const references = new ReferenceDataCache({
      references: pipeline.references.map((reference) => ({
        ...reference,
        source: withPipelineBucket(reference.source, config.checkpointBucket),
      })),
      loaders: {
        s3Json: new S3JsonReferenceLoader({ client: clients.s3 }),
        dynamoDbTable: new DynamoDbTableReferenceLoader({ client: clients.dynamodb }),
      },
      // Next to the write-ahead log that refers to them, and expiring with it.
      snapshots: { store: objects, prefix: `wal/${config.namespace}/references/` },
      clock,
    });
    for (const prefix of plan.textFilePrefixes) {
      validateTextFilePrefix(prefix, { defaultBucket: config.checkpointBucket });
    }
    const outputs = {
      references,
      textFiles: new ObjectStoreTextFileSink({ client: clients.s3, defaultBucket: config.checkpointBucket }),
      ...(options.print === undefined ? {} : { print: options.print }),
    };
    const progress = plan.needsWindowTrigger ? new DynamoDbWindowProgressStore(table) : undefined;
    const firer =
      progress === undefined
        ? undefined
        : new WindowFirer({
            pipeline,
            namespace: config.namespace,
            ledger,
            progress,
            state,
            deadLetters,
            clock,
            idleTimeoutMs: config.idleTimeoutMs,
            ...outputs,
          });
    const writeAheadLog = new WriteAheadLog(objects, config.namespace);
    const executor = new BatchExecutor({
      pipeline,
      namespace: config.namespace,
      state,
      ledger,
      writeAheadLog,
      deadLetters,
      ...outputs,
      ...(progress === undefined ? {} : { windowProgress: progress }),
      ...(firer === undefined ? {} : { windowFirer: firer }),
      lateData: new ObjectStoreDeadLetterSink(objects, config.namespace, 'late-data'),
      ...(settings.snapshotOffsets === false ? {} : { checkpoint }),
      clock,
      metrics: options.metrics ?? new EmfMetricsSink(),
      progress:
        options.progress ??
        new DynamoDbProgressStore({
          client: clients.dynamodb,
          tableName: config.stateTable,
          namespace: config.namespace,
          now: () => clock.now(),
        }),
      runId: config.codeVersion,
      ...(options.offsetsSnapshotIntervalMs === undefined
        ? {}
        : { offsetsSnapshotIntervalMs: options.offsetsSnapshotIntervalMs }),
    });
    return {
      executor,
      firer,
      clients,
      config,
      pipelineName: pipeline.name,
      checkpoint: metadata,
      ledger,
      writeAheadLog,
    };
  };
  return () => {
    runtime ??= coldStart().catch((error: unknown) => {
      runtime = undefined;
      throw error;
    });
    return runtime;
  };
}

/** The stable code of an error for metrics (kept here for the handlers' imports). */
export { errorCodeOf } from '../core';

/** The handler factory each source kind needs, for the message of {@link assertSourceKind}. */
const FACTORY_FOR: Readonly<Record<SourceKind, string>> = {
  kinesis: 'createKinesisHandler (a Kinesis event source mapping)',
  'text-files': 'createS3Handler (S3 ObjectCreated notifications)',
};

/**
 * Refuses to build a handler for a pipeline that reads from another kind of source.
 *
 * @throws {@link InvalidConfigurationError} naming the factory to use instead
 */
export function assertSourceKind(pipeline: Pipeline, expected: SourceKind, factory: string): void {
  const actual = pipeline.sourceDescriptor.kind;
  if (actual !== expected) {
    throw new InvalidConfigurationError(
      `${factory} cannot run pipeline "${pipeline.name}": it reads from a ${actual} source; build its handler with ${FACTORY_FOR[actual]}`,
    );
  }
}
