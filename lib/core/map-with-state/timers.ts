/**
 * Timer buckets of `mapWithState` timeouts. A key whose state expires at `expiresAt` (its last
 * activity plus the timeout) has a timer item in the bucket that starts right after it: the first
 * multiple of the bucket width strictly above `expiresAt`. Sweeping a bucket `b` at a time `now >= b`
 * therefore only finds expired keys.
 */

/** The smallest and largest timer bucket widths, in milliseconds. */
export const TIMER_BUCKET_BOUNDS_MS = { min: 1_000, max: 60_000 } as const;

/**
 * The timer bucket width for a timeout: a sixteenth of it, between 1 s and 60 s. A key times out
 * at most one bucket (plus the trigger interval) after it expired; a sweep reads one group per bucket.
 */
export function timerBucketWidthMs(timeoutMs: number): number {
  return Math.min(
    TIMER_BUCKET_BOUNDS_MS.max,
    Math.max(TIMER_BUCKET_BOUNDS_MS.min, Math.ceil(timeoutMs / 16)),
  );
}

/** The first bucket boundary strictly after `time` (epoch ms). */
export function timerBucketAfter(time: number, bucketMs: number): number {
  return (Math.floor(time / bucketMs) + 1) * bucketMs;
}

/** The storage group holding the timer items of one bucket (one item per key, by key id). */
export function timerGroup(bucket: number): string {
  return `timers@${bucket}`;
}

/**
 * The id of an operator's versioned timer bucket index in the window progress store. `@` cannot
 * appear in operator names, so it never collides with a windowed operator's progress.
 */
export function timerIndexId(operatorId: string): string {
  return `${operatorId}@timeouts`;
}

/** The stable batch id of the outputs of one swept timer bucket. */
export function timeoutBatchId(operatorId: string, bucket: number): string {
  return `${operatorId}@timeout@${bucket}`;
}
