import { InvalidPipelineError } from '../errors';

/**
 * A sliding (or, with `slideMs === lengthMs`, tumbling) event-time window definition, as a
 * value object. Windows end at multiples of the slide; a window ending at `end` covers
 * `[end - lengthMs, end)`. Windows are stored as panes of `paneMs = gcd(length, slide)`:
 * every record updates one pane, a window is the merge of its `lengthMs / paneMs` panes.
 *
 * Like Kafka Streams' `ofTimeDifferenceAndGrace`, the allowed lateness is explicit.
 */
export interface WindowSpec {
  readonly lengthMs: number;
  readonly slideMs: number;
  /** How far behind the partition's event-time clock a record may be and still count. */
  readonly allowedLatenessMs: number;
  /** The pane size: gcd of length and slide. */
  readonly paneMs: number;
}

/** Options of {@link slidingWindows}. */
export interface SlidingWindowOptions {
  /** Window length in milliseconds (Spark's windowDuration). */
  readonly lengthMs: number;
  /** Slide in milliseconds (Spark's slideDuration). */
  readonly slideMs: number;
  /** How late (in event time, behind the latest event seen on the partition) a record may arrive and still count. */
  readonly allowedLatenessMs: number;
}

/**
 * Sliding windows, e.g. Spark's `reduceByKeyAndWindow(60s, 10s)`.
 *
 * @example slidingWindows({ lengthMs: 60_000, slideMs: 10_000, allowedLatenessMs: 5_000 })
 */
export function slidingWindows(options: SlidingWindowOptions): WindowSpec {
  const { lengthMs, slideMs, allowedLatenessMs } = options;
  positiveInteger('lengthMs', lengthMs);
  positiveInteger('slideMs', slideMs);
  if (!Number.isInteger(allowedLatenessMs) || allowedLatenessMs < 0) {
    throw new InvalidPipelineError(
      `allowedLatenessMs must be a non-negative integer (given ${allowedLatenessMs})`,
    );
  }
  if (slideMs > lengthMs) {
    throw new InvalidPipelineError(
      `slideMs must not exceed lengthMs (given slide ${slideMs} and length ${lengthMs}); use tumblingWindows for equal values`,
    );
  }
  return { lengthMs, slideMs, allowedLatenessMs, paneMs: gcd(lengthMs, slideMs) };
}

/** Tumbling (non-overlapping) windows: slide equal to length. */
export function tumblingWindows(options: {
  readonly lengthMs: number;
  readonly allowedLatenessMs: number;
}): WindowSpec {
  return slidingWindows({ ...options, slideMs: options.lengthMs });
}

/** The start of the pane containing `time`. */
export function paneStartOf(spec: WindowSpec, time: number): number {
  return Math.floor(time / spec.paneMs) * spec.paneMs;
}

/** The ends of every window containing `time`, ascending. */
export function windowEndsContaining(spec: WindowSpec, time: number): number[] {
  const first = Math.floor(time / spec.slideMs) * spec.slideMs + spec.slideMs;
  const ends: number[] = [];
  for (let end = first; end - spec.lengthMs <= time; end += spec.slideMs) ends.push(end);
  return ends;
}

/** The pane starts a window ending at `end` is made of, ascending. */
export function panesOfWindow(spec: WindowSpec, end: number): number[] {
  const panes: number[] = [];
  for (let start = end - spec.lengthMs; start < end; start += spec.paneMs) panes.push(start);
  return panes;
}

/** The ends of every window containing a pane, ascending. */
export function windowEndsOfPane(spec: WindowSpec, paneStart: number): number[] {
  return windowEndsContaining(spec, paneStart);
}

function positiveInteger(name: string, value: number): void {
  if (!Number.isInteger(value) || value <= 0) {
    throw new InvalidPipelineError(
      `${name} must be a positive integer number of milliseconds (given ${value})`,
    );
  }
}

function gcd(a: number, b: number): number {
  return b === 0 ? a : gcd(b, a % b);
}
