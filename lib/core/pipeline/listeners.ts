import type { BatchFailureEvent, BatchProgress } from '../../progress/types';

/** Where a built-in forwarder sends progress events (the CDK construct grants the one write it needs). */
export const ProgressTargetKind = {
  /** A Kinesis data stream (`kinesis:PutRecord`). */
  Kinesis: 'kinesis',
  /** An EventBridge event bus (`events:PutEvents`). */
  EventBridge: 'eventbridge',
} as const;

/** One of the {@link ProgressTargetKind} values. */
export type ProgressTargetKind = (typeof ProgressTargetKind)[keyof typeof ProgressTargetKind];

/** A forwarder's target, as the plan describes it: the stream or bus name. */
export interface ProgressTarget {
  readonly kind: ProgressTargetKind;
  readonly name: string;
}

/**
 * Spark's `StreamingQueryListener`, the serverless way. The executor calls `onProgress` after a
 * batch commits (never for one that did not) and `onFailure` for each failed attempt. Delivery is at
 * least once: a batch whose commit was followed by a lost invocation is not called again, but a batch
 * finished from the write-ahead log is called with `replayed: true`, and an attempt that commits and
 * then fails before returning may be called again by the retried attempt's replay; dedupe by `id` +
 * `partition` + `batchId`. A listener that throws is logged and counted; it never fails the batch.
 * There is no `onStart`/`onStop`: a Lambda has no query start or stop to observe (see README).
 */
export interface StreamingQueryListener {
  /** Called with the progress record of a committed batch. */
  onProgress?(progress: BatchProgress): void | Promise<void>;
  /** Called with the failure event of a failed attempt (the batch is retried). */
  onFailure?(event: BatchFailureEvent): void | Promise<void>;
  /**
   * The stream or bus a built-in forwarder writes to, read by the CDK construct to grant the write.
   *
   * @default none: a user listener, granted nothing
   */
  readonly target?: ProgressTarget;
}
