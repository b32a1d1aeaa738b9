import {
  type Clock,
  decideTimeout,
  decodeKey,
  evaluateTimeoutFiring,
  type MapWithStateNode,
  type Pipeline,
  type StoredTimeout,
  type TextFileSink,
  timeoutBatchId,
  timerGroup,
  timerIndexId,
} from '../core';
import { forEachWithConcurrency } from '../runtime/concurrency';
import { updateConditionally } from '../runtime/conditional-update';
import { printToStdout, sendDeadLetters } from '../runtime/dead-letters';
import { DEFAULT_TOMBSTONE_TTL_SECONDS, FencedStateBackend } from '../runtime/fenced-state-backend';
import type { ReferenceProvider } from '../runtime/reference-provider';
import type { DeadLetterSink } from '../sinks';
import type { KeyedStateStore, StoredState } from '../state';
import { TimeoutTimers } from './timeout-timers';
import type { WindowProgressStore } from './window-progress-store';

/** Options of {@link TimeoutSweeper}. */
export interface TimeoutSweeperOptions {
  readonly pipeline: Pipeline;
  readonly namespace: string;
  readonly progress: WindowProgressStore;
  readonly state: KeyedStateStore;
  readonly deadLetters: DeadLetterSink;
  readonly clock: Clock;
  /**
   * Where `print` blocks of timeout outputs go.
   *
   * @default process.stdout
   */
  readonly print?: (block: string) => void;
  /** @default none */
  readonly references?: ReferenceProvider;
  /** @default none */
  readonly textFiles?: TextFileSink;
  /**
   * Lifetime of a timed-out key's tombstone in seconds.
   *
   * @default 604800 (7 days)
   */
  readonly tombstoneTtlSeconds?: number;
  /**
   * Conditional writes in flight at once.
   *
   * @default 16
   */
  readonly writeConcurrency?: number;
  /**
   * How often one key's timeout may lose to a concurrent writer before the sweep fails (the next trigger retries).
   *
   * @default 50
   */
  readonly maxConflictRetries?: number;
}

/** One swept timer bucket. */
export interface SweptBucket {
  readonly operatorId: string;
  /** The bucket (epoch ms); its outputs ran with the batch id `<operatorId>@timeout@<bucket>`. */
  readonly bucket: number;
  /** Keys timed out in the bucket (by this sweep or an earlier attempt). */
  readonly keys: number;
}

/**
 * Times out idle keys of `mapWithState` operators (the proactive path; batches time out the keys
 * they touch lazily). Called by the scheduled trigger and after every committed batch, next to
 * the window firer.
 *
 * For every operator: read the versioned bucket index, then per due bucket (at or before now), in
 * order: read its timer items, re-read each key and, if its state expired in or before that bucket,
 * time it out with a write conditional on the version read (a concurrent batch that updates the
 * key wins; the sweep re-reads and decides again); run the operators and outputs downstream with
 * the batch id `<operatorId>@timeout@<bucket>`; only then remove the bucket from the index, if its
 * version is still the one read. Before its first timeout write in a bucket, a sweep adds the
 * bucket again (bumping its version): so a sweep that read the bucket earlier cannot remove it
 * while this one may still crash before emitting. A crash before the removal sweeps the bucket
 * again: keys already timed out remember the bucket and emit the same outputs again.
 */
export class TimeoutSweeper {
  private readonly options: TimeoutSweeperOptions;
  private readonly timers: TimeoutTimers;
  private readonly tombstoneTtlSeconds: number;
  private readonly writeConcurrency: number;
  private readonly maxConflictRetries: number;

  public constructor(options: TimeoutSweeperOptions) {
    this.options = options;
    this.tombstoneTtlSeconds = options.tombstoneTtlSeconds ?? DEFAULT_TOMBSTONE_TTL_SECONDS;
    this.writeConcurrency = options.writeConcurrency ?? 16;
    this.maxConflictRetries = options.maxConflictRetries ?? 50;
    this.timers = new TimeoutTimers({
      pipeline: options.pipeline,
      state: options.state,
      progress: options.progress,
      clock: options.clock,
      writeConcurrency: this.writeConcurrency,
    });
  }

  /** Sweeps every due timer bucket of every `mapWithState` operator with a timeout; returns what it swept. */
  public async sweep(): Promise<SweptBucket[]> {
    const swept: SweptBucket[] = [];
    for (const node of this.options.pipeline.timeoutNodes) swept.push(...(await this.sweepOperator(node)));
    return swept;
  }

  private async sweepOperator(node: MapWithStateNode): Promise<SweptBucket[]> {
    const { progress, clock } = this.options;
    const indexId = timerIndexId(node.operatorId);
    const now = clock.now();
    // readBuckets returns them in bucket order
    const due = [...(await progress.readBuckets(indexId))].filter(([bucket]) => bucket <= now);
    const swept: SweptBucket[] = [];
    for (const [bucket, version] of due) {
      let held = version;
      let touched: Promise<void> | undefined;
      const touch = () => {
        touched ??= progress.addBuckets(indexId, [bucket]).then((versions) => {
          held = versions.get(bucket) ?? held;
        });
        return touched;
      };
      const keyIds = [
        ...(await this.options.state.queryGroup(node.operatorId, timerGroup(bucket))).keys(),
      ].sort();
      const timedOut = await this.timeOutKeys(node, bucket, keyIds, touch);
      await this.emit(node, bucket, timedOut);
      await progress.removeBucket(indexId, bucket, held);
      swept.push({ operatorId: node.operatorId, bucket, keys: timedOut.length });
    }
    return swept;
  }

  /**
   * Times out the bucket's expired keys; returns, in key id order, every key timed out in this
   * bucket, now or by an earlier attempt. `touch` runs before the first timeout write.
   */
  private async timeOutKeys(
    node: MapWithStateNode,
    bucket: number,
    keyIds: readonly string[],
    touch: () => Promise<void>,
  ): Promise<{ key: unknown; timedOut: StoredTimeout }[]> {
    const stored = await this.options.state.getMany(
      node.operatorId,
      keyIds.map((keyId) => ({ keyId })),
    );
    const results = new Map<string, StoredTimeout>();
    await forEachWithConcurrency(keyIds, this.writeConcurrency, async (keyId) => {
      const timedOut = await this.timeOutKey(node, bucket, keyId, stored.get(keyId), touch);
      if (timedOut !== undefined) results.set(keyId, timedOut);
    });
    return keyIds.flatMap((keyId) => {
      const timedOut = results.get(keyId);
      return timedOut === undefined ? [] : [{ key: decodeKey(keyId), timedOut }];
    });
  }

  private async timeOutKey(
    node: MapWithStateNode,
    bucket: number,
    keyId: string,
    initial: StoredState | undefined,
    touch: () => Promise<void>,
  ): Promise<StoredTimeout | undefined> {
    const key = decodeKey(keyId);
    return updateConditionally<StoredTimeout | undefined>({
      store: this.options.state,
      operatorId: node.operatorId,
      ref: { keyId },
      initial,
      maxConflictRetries: this.maxConflictRetries,
      describe: () => `${node.operatorId}: timing out key ${keyId}`,
      retriedBy: 'the next trigger retries',
      beforeWrite: touch,
      decide: (current) => {
        const decision = decideTimeout(node, key, current?.value, bucket);
        if (decision.kind === 'none') return { write: false, result: undefined };
        if (decision.kind === 'emit' || current === undefined)
          return { write: false, result: decision.timedOut };
        return {
          write: true,
          next: { value: decision.next, version: current.version + 1, marks: current.marks },
          expiresAtSeconds: Math.floor(this.options.clock.now() / 1000) + this.tombstoneTtlSeconds,
          result: decision.timedOut,
        };
      },
    });
  }

  /** Runs everything downstream of the operator with the bucket's timeout outputs, and dead-letters failures. */
  private async emit(
    node: MapWithStateNode,
    bucket: number,
    keys: readonly { key: unknown; timedOut: StoredTimeout }[],
  ): Promise<void> {
    const { pipeline, namespace, clock } = this.options;
    if (keys.length === 0) return;
    const evaluation = await evaluateTimeoutFiring(
      pipeline,
      { node, bucket, keys },
      {
        state: new FencedStateBackend({
          store: this.options.state,
          now: () => clock.now(),
          tombstoneTtlSeconds: this.tombstoneTtlSeconds,
        }),
        print: this.options.print ?? printToStdout,
        ...(this.options.references === undefined
          ? {}
          : { references: await this.options.references.current() }),
        ...(this.options.textFiles === undefined ? {} : { textFiles: this.options.textFiles }),
      },
    );
    await this.timers.register(evaluation.timers);
    await sendDeadLetters(this.options.deadLetters, evaluation.deadLetters, {
      pipeline: pipeline.name,
      namespace,
      batchId: timeoutBatchId(node.operatorId, bucket),
      batchNumber: Math.floor(bucket / (node.timeoutBucketMs ?? 1)),
      partition: `timeout-${node.operatorId}`,
    });
  }
}
