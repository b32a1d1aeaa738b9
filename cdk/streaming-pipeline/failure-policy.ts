import type { SourceKind } from '../../lib/core/pipeline/pipeline';

/**
 * What Lambda does with a batch (or an S3 event) that keeps failing.
 *
 * - `BlockUntilFixed` (the default for Kinesis pipelines): the event source mapping retries the failed
 *   batch for as long as the stream keeps its records (`MaximumRetryAttempts` -1, no
 *   `MaximumRecordAgeInSeconds`), the shard does not advance, and the alarms on failed batches and
 *   iterator age page a person. Nothing is skipped: once the cause is fixed, processing resumes from
 *   the failed batch (Spark's and Flink's "stop and resume from the checkpoint"). Records still
 *   unprocessed when the stream's retention expires are lost: the retention bounds how long a fix may take.
 * - `DiscardAndRecover` (opt-in; the only mode S3's asynchronous invocations allow, so the default for
 *   text-file pipelines): after `retryAttempts` / `maxRecordAge` (Kinesis) or `asyncRetryAttempts` /
 *   `maxEventAge` (text files) Lambda sends the batch's pointer (or the S3 event) to the on-failure
 *   queue and moves on; `npx sparkless recover <pipeline>` later processes each discarded range
 *   exactly once, while the stream still holds it.
 *
 * @example
 * new StreamingPipeline(this, 'Pipeline', { plan, entry, failurePolicy: FailurePolicy.DiscardAndRecover });
 */
export const FailurePolicy = {
  /** Retry a failed batch until it succeeds or its records expire from the stream; never skip it. */
  BlockUntilFixed: 'block-until-fixed',
  /** Retry a bounded number of times, then discard to the on-failure queue; `sparkless recover` replays it. */
  DiscardAndRecover: 'discard-and-recover',
} as const;

/** One of the {@link FailurePolicy} values. */
export type FailurePolicy = (typeof FailurePolicy)[keyof typeof FailurePolicy];

/** The failure policy a source gets when the prop is omitted. */
export const DEFAULT_FAILURE_POLICY: Readonly<Record<SourceKind, FailurePolicy>> = {
  kinesis: FailurePolicy.BlockUntilFixed,
  // S3 invokes the function asynchronously: Lambda retries at most twice within 6 hours, then
  // sends the event to the failure destination. Blocking is not available.
  'text-files': FailurePolicy.DiscardAndRecover,
};

/** The policy in effect: the prop, or the source's default. */
export function resolveFailurePolicy(given: FailurePolicy | undefined, source: SourceKind): FailurePolicy {
  return given ?? DEFAULT_FAILURE_POLICY[source];
}

/** `FailurePolicy.<Name>` of a policy value, for messages. */
export function failurePolicyName(policy: FailurePolicy): string {
  const entry = Object.entries(FailurePolicy).find(([, value]) => value === policy);
  return `FailurePolicy.${entry?.[0] ?? policy}`;
}
