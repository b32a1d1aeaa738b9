import type { BatchFailureEvent, BatchProgress, ProgressDurations, StateOperatorProgress } from './types';

/** What the executor measured for one batch attempt: everything {@link buildProgress} reports. */
export interface BatchMeasurements {
  readonly pipeline: string;
  readonly namespace: string;
  /** The deployed code version. */
  readonly runId: string;
  /** The source partition's description, e.g. `kinesis[stream=orders, shard=shardId-000000000003]`. */
  readonly sourceDescription: string;
  /** The pipeline's output operations, e.g. `["print", "foreachBatch"]`. */
  readonly outputs: readonly string[];
  readonly partition: string;
  readonly batchNumber: number;
  /** Epoch ms the batch was claimed. */
  readonly batchTime: number;
  readonly firstOffset: string;
  readonly lastOffset: string;
  readonly numInputRows: number;
  /** Epoch ms arrival time of the batch's oldest record. */
  readonly minArrivalTime: number;
  /** Epoch ms of the partition's previous commit, if any (the ledger's `lastActiveAt`). */
  readonly previousCommitAt: number | undefined;
  readonly replayed: boolean;
  readonly deadLetters: number;
  readonly durations: ProgressDurations;
  /** The latest event time of a windowed operator's input in the batch, if any. */
  readonly maxEventTime: number | undefined;
  /** The partition's event-time clock at the claim (-Infinity when it has none). */
  readonly watermark: number;
  readonly stateOperators: readonly StateOperatorProgress[];
}

/** The query id of a pipeline in a namespace: `<pipeline>@<namespace>`. */
export function progressId(pipeline: string, namespace: string): string {
  return `${pipeline}@${namespace}`;
}

/**
 * Builds a batch's {@link BatchProgress} from what the executor measured (pure: same input, same
 * record). Rates are rows per second; a rate whose time base is zero or unknown is left out, as
 * Spark leaves out a `NaN` rate.
 */
export function buildProgress(m: BatchMeasurements): BatchProgress {
  const inputRate =
    m.previousCommitAt === undefined ? undefined : rate(m.numInputRows, m.batchTime - m.previousCommitAt);
  const processedRate = rate(m.numInputRows, m.durations.triggerExecution);
  const rates = {
    ...(inputRate === undefined ? {} : { inputRowsPerSecond: inputRate }),
    ...(processedRate === undefined ? {} : { processedRowsPerSecond: processedRate }),
  };
  return {
    ...identity(m.pipeline, m.namespace, m.runId, m.batchTime),
    batchId: m.batchNumber,
    numInputRows: m.numInputRows,
    ...rates,
    durationMs: m.durations,
    eventTime: {
      ...(m.maxEventTime === undefined ? {} : { max: new Date(m.maxEventTime).toISOString() }),
      ...(Number.isFinite(m.watermark) ? { watermark: new Date(m.watermark).toISOString() } : {}),
    },
    stateOperators: m.stateOperators,
    sources: [
      {
        description: m.sourceDescription,
        startOffset: m.firstOffset,
        endOffset: m.lastOffset,
        numInputRows: m.numInputRows,
        ...rates,
      },
    ],
    sink: { description: m.outputs.join(', '), numOutputRows: -1 },
    partition: m.partition,
    replayed: m.replayed,
    deadLetters: m.deadLetters,
    schedulingDelayMs: Math.max(0, m.batchTime - m.minArrivalTime),
  };
}

/** The failure event of an attempt on `partition` that threw `error`. */
export function buildFailureEvent(options: {
  readonly pipeline: string;
  readonly namespace: string;
  readonly runId: string;
  readonly partition: string;
  readonly time: number;
  readonly errorCode: string;
  readonly message: string;
}): BatchFailureEvent {
  return {
    ...identity(options.pipeline, options.namespace, options.runId, options.time),
    partition: options.partition,
    errorCode: options.errorCode,
    message: options.message,
  };
}

/** The fields every event of a query starts with. */
function identity(
  pipeline: string,
  namespace: string,
  runId: string,
  time: number,
): Pick<BatchProgress, 'id' | 'runId' | 'name' | 'timestamp'> {
  return {
    id: progressId(pipeline, namespace),
    runId,
    name: pipeline,
    timestamp: new Date(time).toISOString(),
  };
}

function rate(rows: number, ms: number): number | undefined {
  return ms > 0 ? (rows * 1000) / ms : undefined;
}
