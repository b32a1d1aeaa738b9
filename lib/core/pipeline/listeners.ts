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
 * batch commits (never for one that did not), in the same invocation, before the partition's
 * delivery is acknowledged; and `onFailure` for each failed attempt.
 *
 * Delivery: each committed batch is heard once by the executor; a batch whose first attempt failed
 * after claiming is heard when its replay commits, with `replayed: true`. Forwarders may deliver
 * twice (an SDK retry after a lost response), so consumers dedupe by `id` + `partition` + `batchId`
 * (the forwarders' `dedupeKey`). An invocation that dies between the commit and the call (timeout,
 * crash) loses that call: batch ids count up per partition, so a gap shows it, and the batch's
 * progress record is in the progress store (written before the commit) for `recentProgress`.
 *
 * A listener that throws is logged and counted (`ListenerFailures`) and the next listener is still
 * called; it never fails or undoes the batch. Listeners run one after another inside the invocation
 * and add their time to it: keep them short.
 *
 * There is no `onStart`/`onStop`: a Lambda function has no query start or stop to observe (a cold
 * start is not a start of the query, and the runtime gives no reliable signal before it freezes or
 * ends an environment).
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
