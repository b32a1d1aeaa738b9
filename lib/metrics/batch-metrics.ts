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

/** Records dead-lettered before any batch: their envelope (the event source's wrapping) could not be read. */
export interface EnvelopeMetrics {
  readonly pipeline: string;
  /** Epoch ms they were dead-lettered. */
  readonly time: number;
  /** How many. */
  readonly deadLetters: number;
}

/** The port for batch metrics (CloudWatch EMF in Lambda, an array in tests). */
export interface MetricsSink {
  record(metrics: BatchMetrics): void;
  /**
   * Counts records dead-lettered for a malformed envelope (they belong to no batch).
   *
   * @default not counted (sinks written before envelopes were checked)
   */
  recordEnvelopes?(metrics: EnvelopeMetrics): void;
}

/** Keeps metrics in memory: tests, and the local runner's progress output. */
export class MemoryMetricsSink implements MetricsSink {
  public readonly batches: BatchMetrics[] = [];
  public readonly envelopes: EnvelopeMetrics[] = [];

  public record(metrics: BatchMetrics): void {
    this.batches.push(metrics);
  }

  public recordEnvelopes(metrics: EnvelopeMetrics): void {
    this.envelopes.push(metrics);
  }
}

/**
 * Writes one CloudWatch Embedded Metric Format line per batch, so CloudWatch extracts
 * metrics from the function log without API calls.
 */
export class EmfMetricsSink implements MetricsSink {
  public constructor(
    private readonly write: (line: string) => void = (line) => process.stdout.write(`${line}\n`),
    private readonly namespace = 'Sparkless',
  ) {}

  public record(metrics: BatchMetrics): void {
    this.write(
      JSON.stringify({
        _aws: {
          Timestamp: metrics.batchTime,
          CloudWatchMetrics: [
            {
              Namespace: this.namespace,
              Dimensions: [['Pipeline']],
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
