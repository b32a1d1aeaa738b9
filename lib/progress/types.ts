/**
 * Per-phase wall-clock milliseconds of one batch attempt (Spark's `durationMs`). Phases overlap the
 * way Spark's do: `evaluate` contains `state`, and `triggerExecution` contains every other phase.
 */
export interface ProgressDurations {
  /** Reading the partition ledger and claiming the batch (compare-and-set), before any work. */
  readonly ledger: number;
  /** Writing the batch to the write-ahead log (a replay: reading it back). */
  readonly walCommit: number;
  /** Evaluating the pipeline: user code, state reads and writes, `print`, `saveAsTextFiles`, `foreachBatch`. */
  readonly evaluate: number;
  /** The part of `evaluate` spent reading and conditionally writing keyed state. */
  readonly state: number;
  /** Dead letters, late data, the window pane index and timers, written after evaluation. */
  readonly outputs: number;
  /** The whole attempt up to this record, from the ledger read on (the commit follows the record). */
  readonly triggerExecution: number;
}

/** Event-time statistics of a batch (Spark's `eventTime`), as ISO-8601 strings; absent where unknown. */
export interface ProgressEventTime {
  /** The latest event time that reached a windowed operator in the batch. */
  readonly max?: string;
  /** The partition's event-time clock when the batch was claimed: windows ending at or before it (less their allowed lateness) are closed. */
  readonly watermark?: string;
}

/** One stateful operator's work in a batch (Spark's `StateOperatorProgress`). */
export interface StateOperatorProgress {
  /** The operator's kind, e.g. `updateStateByKey`, `mapWithState`, `window`. */
  readonly operatorName: string;
  /** The operator's id in the state store. */
  readonly operatorId: string;
  /** Keys whose state the batch wrote (set, changed or removed). */
  readonly numRowsUpdated: number;
  /** Keys the batch removed (a tombstone written). */
  readonly numRowsRemoved: number;
  /** Elements too late for every open window of the operator. */
  readonly numRowsDroppedByWatermark: number;
  /** Conditional writes that lost to a concurrent writer and were decided again (Sparkless' own). */
  readonly conflicts: number;
}

/** The batch's source partition (Spark's `SourceProgress`). */
export interface SourceProgress {
  /** The source kind, stream (where the pipeline names it) and partition (stream and shard). */
  readonly description: string;
  /** The first offset of the batch. */
  readonly startOffset: string;
  /** The last offset of the batch (inclusive: the committed offset once the batch commits). */
  readonly endOffset: string;
  readonly numInputRows: number;
  /** Absent when the partition has no earlier commit to measure from. */
  readonly inputRowsPerSecond?: number;
  /** Absent when the attempt took no measurable time. */
  readonly processedRowsPerSecond?: number;
}

/** Where the batch's output went (Spark's `SinkProgress`). */
export interface SinkProgress {
  /** The pipeline's output operations, in declaration order. */
  readonly description: string;
  /** -1: output operations do not count what they write (Spark's value for a sink that does not report). */
  readonly numOutputRows: number;
}

/**
 * The progress of one partition batch, in Structured Streaming's `StreamingQueryProgress` shape
 * (the same field names), plus Sparkless' own fields: `partition`, `replayed`, `deadLetters`,
 * `schedulingDelayMs`. A batch id counts per partition, so `(partition, batchId)` names a batch.
 */
export interface BatchProgress {
  /** The query's identity: `<pipeline>@<namespace>` (stable across deployments of one namespace). */
  readonly id: string;
  /** The deployed code version that ran the attempt. */
  readonly runId: string;
  /** The pipeline's name. */
  readonly name: string;
  /** ISO-8601 batch time (fixed when the batch was claimed; a replay keeps it). */
  readonly timestamp: string;
  /** The batch's number within its partition. */
  readonly batchId: number;
  readonly numInputRows: number;
  /** Input rows per second of processing time since the partition's previous commit; absent for its first batch. */
  readonly inputRowsPerSecond?: number;
  /** Input rows per second of the attempt's `triggerExecution`; absent when it took no measurable time. */
  readonly processedRowsPerSecond?: number;
  readonly durationMs: ProgressDurations;
  readonly eventTime: ProgressEventTime;
  readonly stateOperators: readonly StateOperatorProgress[];
  readonly sources: readonly SourceProgress[];
  readonly sink: SinkProgress;
  /** The partition (source stream and shard, or file version). */
  readonly partition: string;
  /** True when the attempt finished a batch claimed by an earlier attempt (from the write-ahead log). */
  readonly replayed: boolean;
  /** Records and elements dead-lettered. */
  readonly deadLetters: number;
  /** Milliseconds from the oldest record's arrival in the stream to the claim (the iterator age at claim). */
  readonly schedulingDelayMs: number;
}

/** A failed attempt on a partition: the batch will be retried (or discarded under the discard policy). */
export interface BatchFailureEvent {
  /** As in {@link BatchProgress.id}. */
  readonly id: string;
  readonly runId: string;
  readonly name: string;
  /** ISO-8601 time of the failure. */
  readonly timestamp: string;
  readonly partition: string;
  /** The error's stable code (`SparklessError.code`), or its name. */
  readonly errorCode: string;
  /** The error's message. */
  readonly message: string;
}
