/** What the runtime measured for one batch (Spark's BatchInfo, per partition). */
export interface BatchMetrics {
  readonly pipeline: string;
  readonly partition: string;
  readonly batchId: string;
  /** Epoch ms the batch was claimed (its batch time). */
  readonly batchTime: number;
  /** Records in the batch. */
  readonly records: number;
  /** Records dead-lettered plus elements dead-lettered. */
  readonly deadLetters: number;
  /** Records too late for every window they belong to. */
  readonly lateRecords: number;
  /** True when the batch was finished from the write-ahead log (a retry). */
  readonly replayed: boolean;
  /** Keys written to the state store. */
  readonly stateWrites: number;
  /** Conditional writes that lost to another writer and were redone. */
  readonly stateConflicts: number;
  /** Milliseconds from claim to commit. */
  readonly processingTimeMs: number;
  /** Milliseconds from the oldest record's arrival to the claim (Spark's scheduling delay). */
  readonly schedulingDelayMs: number;
}

/** Input dead-lettered outside any batch: a malformed envelope (the event source's wrapping), or an object version gone before it was read. */
export interface EnvelopeMetrics {
  readonly pipeline: string;
  /** Epoch ms they were dead-lettered. */
  readonly time: number;
  /** How many. */
  readonly deadLetters: number;
}

/**
 * One partition batch that failed (Lambda retries it): emitted by the handlers for every failed
 * partition of an invocation. A Kinesis handler reports its failures as batch item failures, so
 * Lambda's `Errors` metric never rises while a shard is blocked: this metric is what the blocked-shard
 * alarm watches.
 */
export interface BatchFailure {
  readonly pipeline: string;
  /** The partition (shard, or file version) whose batch failed. */
  readonly partition: string;
  /** Records delivered for the partition in the failed invocation. */
  readonly records: number;
  /** The error's stable code (`SparklessError.code`), or its name. */
  readonly errorCode: string;
  /** Epoch ms of the failure. */
  readonly time: number;
}

/** Names of the CloudWatch metrics Sparkless emits (the CDK alarms read the same names). */
export const SparklessMetric = {
  /** The EMF namespace. */
  NAMESPACE: 'Sparkless',
  /** The dimension every metric carries: the pipeline (plan) name. */
  PIPELINE_DIMENSION: 'Pipeline',
  /** Count of failed partition batches ({@link BatchFailure}). */
  FAILED_BATCHES: 'FailedBatches',
  /** Count of progress listener callbacks that threw ({@link ListenerFailure}). */
  LISTENER_FAILURES: 'ListenerFailures',
  /** Records in committed batches ({@link BatchMetrics.records}). */
  RECORDS: 'Records',
  /** Records and elements dead-lettered, in batches and envelopes. */
  DEAD_LETTERS: 'DeadLetters',
  /** Records too late for every window. */
  LATE_RECORDS: 'LateRecords',
  /** Keys written to the state store. */
  STATE_WRITES: 'StateWrites',
  /** Conditional state writes redone after a conflict. */
  STATE_CONFLICTS: 'StateConflicts',
  /** Milliseconds from claim to commit, per batch. */
  PROCESSING_TIME: 'ProcessingTime',
  /** Milliseconds from the oldest record's arrival to the claim, per batch. */
  SCHEDULING_DELAY: 'SchedulingDelay',
} as const;

/** The port for batch metrics (CloudWatch EMF in Lambda, an array in tests). */
export interface MetricsSink {
  record(metrics: BatchMetrics): void;
  /** Records a failed partition batch (it will be retried, or discarded under the discard policy). */
  recordFailure(failure: BatchFailure): void;
  /**
   * Counts input dead-lettered outside any batch (malformed envelopes, object versions gone).
   *
   * @default not counted (sinks written before envelopes were checked)
   */
  recordEnvelopes?(metrics: EnvelopeMetrics): void;
  /**
   * Counts a progress listener that threw (the batch is unaffected).
   *
   * @default not counted
   */
  recordListenerFailure?(failure: ListenerFailure): void;
}

/** A progress listener's callback that threw. */
export interface ListenerFailure {
  readonly pipeline: string;
  readonly partition: string;
  /** Epoch ms. */
  readonly time: number;
  readonly callback: 'onProgress' | 'onFailure';
}

/** Keeps metrics in memory: tests, and the local runner's progress output. */
export class MemoryMetricsSink implements MetricsSink {
  public readonly batches: BatchMetrics[] = [];
  public readonly envelopes: EnvelopeMetrics[] = [];
  public readonly failures: BatchFailure[] = [];
  public readonly listenerFailures: ListenerFailure[] = [];

  public recordListenerFailure(failure: ListenerFailure): void {
    this.listenerFailures.push(failure);
  }

  public record(metrics: BatchMetrics): void {
    this.batches.push(metrics);
  }

  public recordEnvelopes(metrics: EnvelopeMetrics): void {
    this.envelopes.push(metrics);
  }

  public recordFailure(failure: BatchFailure): void {
    this.failures.push(failure);
  }
}

/**
 * Writes one CloudWatch Embedded Metric Format line per batch, so CloudWatch extracts
 * metrics from the function log without API calls.
 */
export class EmfMetricsSink implements MetricsSink {
  public constructor(
    private readonly write: (line: string) => void = (line) => process.stdout.write(`${line}\n`),
    private readonly namespace: string = SparklessMetric.NAMESPACE,
  ) {}

  public recordFailure(failure: BatchFailure): void {
    this.count(SparklessMetric.FAILED_BATCHES, failure.time, failure.pipeline, {
      Partition: failure.partition,
      ErrorCode: failure.errorCode,
      FailedRecords: failure.records,
    });
  }

  public record(metrics: BatchMetrics): void {
    this.write(
      JSON.stringify({
        _aws: {
          Timestamp: metrics.batchTime,
          CloudWatchMetrics: [
            {
              Namespace: this.namespace,
              Dimensions: [[SparklessMetric.PIPELINE_DIMENSION]],
              Metrics: [
                { Name: 'Records', Unit: 'Count' },
                { Name: 'DeadLetters', Unit: 'Count' },
                { Name: 'LateRecords', Unit: 'Count' },
                { Name: 'StateWrites', Unit: 'Count' },
                { Name: 'StateConflicts', Unit: 'Count' },
                { Name: 'ProcessingTime', Unit: 'Milliseconds' },
                { Name: 'SchedulingDelay', Unit: 'Milliseconds' },
              ],
            },
          ],
        },
        Pipeline: metrics.pipeline,
        Partition: metrics.partition,
        BatchId: metrics.batchId,
        Replayed: metrics.replayed,
        Records: metrics.records,
        DeadLetters: metrics.deadLetters,
        LateRecords: metrics.lateRecords,
        StateWrites: metrics.stateWrites,
        StateConflicts: metrics.stateConflicts,
        ProcessingTime: metrics.processingTimeMs,
        SchedulingDelay: metrics.schedulingDelayMs,
      }),
    );
  }

  public recordListenerFailure(failure: ListenerFailure): void {
    this.count(SparklessMetric.LISTENER_FAILURES, failure.time, failure.pipeline, {
      Partition: failure.partition,
      Callback: failure.callback,
    });
  }

  /** One line counting 1 of `metric` for the pipeline, with `fields` as searchable properties. */
  private count(metric: string, time: number, pipeline: string, fields: Record<string, unknown>): void {
    this.write(
      JSON.stringify({
        _aws: {
          Timestamp: time,
          CloudWatchMetrics: [
            {
              Namespace: this.namespace,
              Dimensions: [[SparklessMetric.PIPELINE_DIMENSION]],
              Metrics: [{ Name: metric, Unit: 'Count' }],
            },
          ],
        },
        [SparklessMetric.PIPELINE_DIMENSION]: pipeline,
        ...fields,
        [metric]: 1,
      }),
    );
  }

  /** One line with the same `DeadLetters` metric and `Pipeline` dimension as batches, so sums and alarms include them. */
  public recordEnvelopes(metrics: EnvelopeMetrics): void {
    this.write(
      JSON.stringify({
        _aws: {
          Timestamp: metrics.time,
          CloudWatchMetrics: [
            {
              Namespace: this.namespace,
              Dimensions: [['Pipeline']],
              Metrics: [{ Name: 'DeadLetters', Unit: 'Count' }],
            },
          ],
        },
        Pipeline: metrics.pipeline,
        Source: 'envelope',
        DeadLetters: metrics.deadLetters,
      }),
    );
  }
}
