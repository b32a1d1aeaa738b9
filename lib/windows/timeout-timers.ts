import {
  type Clock,
  type MapWithStateNode,
  type Pipeline,
  timerBucketAfter,
  timerGroup,
  timerIndexId,
} from '../core';
import { forEachWithConcurrency } from '../runtime/concurrency';
import { DEFAULT_TOMBSTONE_TTL_SECONDS } from '../runtime/fenced-state-backend';
import type { KeyedStateStore } from '../state';
import type { WindowProgressStore } from './window-progress-store';

/** Options of {@link TimeoutTimers}. */
export interface TimeoutTimersOptions {
  readonly pipeline: Pipeline;
  readonly state: KeyedStateStore;
  readonly progress: WindowProgressStore;
  readonly clock: Clock;
  /**
   * Timer writes in flight at once.
   *
   * @default 16
   */
  readonly writeConcurrency?: number;
  /**
   * How long a timer item outlives its bucket (DynamoDB TTL), in seconds: keep it above the longest
   * time the scheduled trigger may be stopped.
   *
   * @default 604800 (7 days)
   */
  readonly retentionSeconds?: number;
}

/**
 * Keeps the timer index of `mapWithState` timeouts: for every key whose written fold needs one
 * (see `StoredOutputs.timer`), a timer item in the group `timers@<bucket>`, then the bucket in the
 * operator's versioned bucket index (`WindowProgressStore.addBuckets`, which bumps its version).
 * Called after the batch's state writes and before its commit, so a crash in between is repaired
 * by the replay.
 *
 * A sweep reads a bucket's version before its timers and removes the bucket only if the version
 * is unchanged: a timer written after the sweep read the bucket's timers comes with an add that
 * either keeps the bucket in the index or puts it back, so some later sweep reads it. A timer goes
 * to its expiry bucket or the first bucket after now, whichever is later, so a replayed old batch
 * does not reopen a bucket that was already swept (bar clock skew between containers).
 */
export class TimeoutTimers {
  private readonly options: TimeoutTimersOptions;
  private readonly writeConcurrency: number;
  private readonly retentionSeconds: number;

  public constructor(options: TimeoutTimersOptions) {
    this.options = options;
    this.writeConcurrency = options.writeConcurrency ?? 16;
    this.retentionSeconds = options.retentionSeconds ?? DEFAULT_TOMBSTONE_TTL_SECONDS;
  }

  /** Registers the timers of an evaluation (per operator id: key id to timer bucket). */
  public async register(timers: ReadonlyMap<string, ReadonlyMap<string, number>>): Promise<void> {
    for (const node of this.options.pipeline.timeoutNodes) {
      const keys = timers.get(node.operatorId);
      if (keys !== undefined && keys.size > 0) await this.registerOperator(node, keys);
    }
  }

  private async registerOperator(node: MapWithStateNode, keys: ReadonlyMap<string, number>): Promise<void> {
    const floor = timerBucketAfter(this.options.clock.now(), node.timeoutBucketMs ?? 1);
    const timers = [...keys].map(([keyId, bucket]) => [keyId, Math.max(bucket, floor)] as const);
    await forEachWithConcurrency(timers, this.writeConcurrency, ([keyId, bucket]) =>
      this.writeTimer(node, keyId, bucket),
    );
    await this.options.progress.addBuckets(
      timerIndexId(node.operatorId),
      timers.map(([, bucket]) => bucket),
    );
  }

  /** Writes a key's timer item once (an existing one is left as it is). */
  private async writeTimer(node: MapWithStateNode, keyId: string, bucket: number): Promise<void> {
    await this.options.state.put(
      node.operatorId,
      { group: timerGroup(bucket), keyId },
      { value: bucket, version: 1, marks: {} },
      undefined,
      Math.ceil(bucket / 1000) + this.retentionSeconds,
    );
  }
}
