import { ListShardsCommand, type Shard } from '@aws-sdk/client-kinesis';
import { type ResolvedConfig, resolveConfig, retryBackoffMs } from './config';
import { EsmDefaults } from './constants';
import { IdleWaitExceededError, KinesisReadError, ShardPollError } from './errors';
import { type MutableStats, ShardWorker, type StepResult } from './shard-worker';
import {
  type EventSourceMappingStats,
  type KinesisEventSourceMappingProps,
  type PollResult,
  type RunUntilIdleOptions,
  type RunUntilIdleResult,
  type ShardStatus,
  StartingPosition,
} from './types';

/**
 * A local Kinesis event source mapping with AWS Lambda's semantics: it polls every shard of a stream and
 * invokes a Lambda-style handler with the exact Kinesis event Lambda builds, one batch in flight per shard
 * (shards run concurrently), and applies Lambda's batching window, retries, bisection, partial batch
 * responses, maximum record age, on-failure destination and checkpoints.
 *
 * @example
 * const esm = new KinesisEventSourceMapping({
 *   kinesis: new KinesisClient({ endpoint, region }),
 *   streamName: 'words',
 *   handler: async (event) => { for (const record of event.Records) { ... } },
 *   batchSize: 500,
 *   maximumRetryAttempts: 2,
 *   bisectBatchOnFunctionError: true,
 *   reportBatchItemFailures: true,
 *   onFailure: async (record) => { console.error(JSON.stringify(record)); },
 *   checkpointStore: new JsonFileCheckpointStore({ path: '.data/esm-checkpoints.json' }),
 * });
 * await esm.runUntilIdle();     // in tests: drain what is in the stream
 * esm.start();                  // or: run in the background
 * await esm.stop();
 */
export class KinesisEventSourceMapping {
  readonly #config: ResolvedConfig;
  readonly #workers = new Map<string, ShardWorker>();
  readonly #stats: MutableStats = {
    invocations: 0,
    recordsDelivered: 0,
    recordsSucceeded: 0,
    functionErrors: 0,
    timeouts: 0,
    partialBatchFailures: 0,
    retries: 0,
    bisections: 0,
    failuresSentToDestination: 0,
    batchesDiscarded: 0,
    recordsDiscarded: 0,
    pollErrors: 0,
  };
  #lastDiscoveryAt: number | undefined;
  #discovery: Promise<void> | undefined;
  #discoveryFailures = 0;
  #discoveryNotBefore = 0;
  #loop: { readonly abort: AbortController; readonly done: Promise<void> } | undefined;
  #lastError: unknown;

  /** @throws InvalidEventSourceMappingConfigError when a setting is out of range */
  constructor(props: KinesisEventSourceMappingProps) {
    this.#config = resolveConfig(props);
  }

  /** The ARN written to `eventSourceARN`. */
  get streamArn(): string {
    return this.#config.streamArn;
  }

  /** The key of this mapping's checkpoints. */
  get mappingId(): string {
    return this.#config.mappingId;
  }

  /** The ARN written to the invocation records' `functionArn`. */
  get functionArn(): string {
    return this.#config.functionArn;
  }

  /** True between `start()` and `stop()`. */
  get running(): boolean {
    return this.#loop !== undefined;
  }

  /** The last error of the background loop, if any. */
  get lastError(): unknown {
    return this.#lastError;
  }

  /** A snapshot of the counters. */
  get stats(): EventSourceMappingStats {
    return { ...this.#stats, shards: this.#workers.size };
  }

  /** The state of every known shard. */
  shards(): readonly ShardStatus[] {
    return [...this.#workers.values()].map((worker) => ({
      shardId: worker.shardId,
      checkpoint: worker.checkpoint,
      ended: worker.ended,
      pendingRecords: worker.pendingRecords,
    }));
  }

  /**
   * One round: lists the shards when due, then lets every shard whose parents are done and whose retry backoff has
   * passed take one step (concurrently): finish or retry its pending batch, or fetch records and invoke the handler
   * when a batch is ready. A failing shard (or shard listing) never stops the others: its error is returned in
   * `errors`, reported to `onError`, and the shard retries after its backoff.
   */
  async pollOnce(): Promise<PollResult> {
    const errors: ShardPollError[] = [];
    const discoveryError = await this.#discover();
    if (discoveryError !== undefined) errors.push(discoveryError);
    const workers = this.#eligibleWorkers();
    const steps = await Promise.all(workers.map((worker) => worker.step()));
    for (const step of steps) if (step.error !== undefined) errors.push(step.error);
    for (const error of errors) this.#report(error);
    const pendingRecords = [...this.#workers.values()].reduce(
      (sum, worker) => sum + worker.pendingRecords,
      0,
    );
    return {
      shardsPolled: steps.length,
      recordsFetched: sum(steps, 'recordsFetched'),
      invocations: sum(steps, 'invocations'),
      recordsDelivered: sum(steps, 'recordsDelivered'),
      failuresSentToDestination: sum(steps, 'failuresSentToDestination'),
      pendingRecords,
      behindLatest: steps.some((step) => step.behindLatest),
      errors,
      retryInMs: this.#retryInMs(),
    };
  }

  /** 0 when some shard (or the listing) can go now; otherwise the shortest wait of the shards on a backoff. */
  #retryInMs(): number {
    const discoveryWait = Math.max(0, this.#discoveryNotBefore - this.#config.clock.now());
    const workers = this.#eligibleWorkers();
    if (workers.length === 0) return discoveryWait;
    const waits = workers.map((worker) => worker.retryInMs);
    return waits.some((wait) => wait === 0) ? 0 : Math.min(...waits);
  }

  /** Lists the shards when due; a failure is returned (and backs the listing off), never thrown. */
  async #discover(): Promise<ShardPollError | undefined> {
    if (this.#config.clock.now() < this.#discoveryNotBefore) return undefined;
    try {
      await this.#discoverShardsIfDue();
      this.#discoveryFailures = 0;
      return undefined;
    } catch (error) {
      this.#discoveryFailures += 1;
      const waitMs = retryBackoffMs(this.#config, this.#discoveryFailures);
      this.#discoveryNotBefore = this.#config.clock.now() + waitMs;
      return new ShardPollError(undefined, waitMs, error);
    }
  }

  #report(error: ShardPollError): void {
    this.#stats.pollErrors += 1;
    this.#lastError = error;
    this.#config.onError?.(error);
  }

  /**
   * Polls until `idlePolls` consecutive rounds fetch, invoke and leave pending nothing (e.g. the stream is
   * drained and every batch is checkpointed or discarded). Sleeps `pollIntervalMs` after a round without
   * invocation.
   * @throws IdleWaitExceededError after `maxPolls` rounds
   */
  async runUntilIdle(options: RunUntilIdleOptions = {}): Promise<RunUntilIdleResult> {
    const idlePolls = options.idlePolls ?? EsmDefaults.idlePolls;
    const maxPolls = options.maxPolls ?? Number.POSITIVE_INFINITY;
    const totals = {
      polls: 0,
      recordsFetched: 0,
      invocations: 0,
      recordsDelivered: 0,
      failuresSentToDestination: 0,
    };
    let idleRounds = 0;
    while (idleRounds < idlePolls) {
      if (totals.polls >= maxPolls) throw new IdleWaitExceededError(totals.polls);
      const round = await this.pollOnce();
      totals.polls += 1;
      totals.recordsFetched += round.recordsFetched;
      totals.invocations += round.invocations;
      totals.recordsDelivered += round.recordsDelivered;
      totals.failuresSentToDestination += round.failuresSentToDestination;
      const idle =
        round.recordsFetched === 0 &&
        round.invocations === 0 &&
        round.failuresSentToDestination === 0 &&
        round.pendingRecords === 0 &&
        !round.behindLatest &&
        round.errors.length === 0 &&
        round.retryInMs === 0;
      idleRounds = idle ? idleRounds + 1 : 0;
      if (round.invocations === 0 && idleRounds < idlePolls) {
        await this.#config.clock.sleep(Math.max(this.#config.pollIntervalMs, round.retryInMs));
      }
    }
    return totals;
  }

  /**
   * Starts polling in the background: every shard has its own loop (a slow or failing shard does not hold the
   * others back) that polls again at once while it has work, else after `pollIntervalMs`. Errors go to
   * `onError` and the stats; the loop keeps going. Calling `start()` twice does nothing.
   */
  start(): void {
    if (this.#loop !== undefined) return;
    const abort = new AbortController();
    this.#loop = { abort, done: this.#runLoop(abort.signal) };
  }

  /**
   * Stops the background loop and waits for the batches in flight. A timed-out invocation that is still
   * running is not waited for (Lambda does not either).
   */
  async stop(): Promise<void> {
    const loop = this.#loop;
    if (loop === undefined) return;
    loop.abort.abort();
    await loop.done;
    this.#loop = undefined;
  }

  async #runLoop(signal: AbortSignal): Promise<void> {
    const shardLoops = new Map<string, Promise<void>>();
    while (!signal.aborted) {
      const discoveryError = await this.#discover();
      if (discoveryError !== undefined) this.#report(discoveryError);
      for (const worker of this.#eligibleWorkers()) {
        if (shardLoops.has(worker.shardId)) continue;
        const done = this.#runShardLoop(worker, signal).finally(() => shardLoops.delete(worker.shardId));
        shardLoops.set(worker.shardId, done);
      }
      await this.#config.clock.sleep(this.#config.pollIntervalMs, signal);
    }
    await Promise.all(shardLoops.values());
  }

  async #runShardLoop(worker: ShardWorker, signal: AbortSignal): Promise<void> {
    while (!signal.aborted && !worker.ended && this.#workers.get(worker.shardId) === worker) {
      const step = await worker.step();
      if (step.error !== undefined) this.#report(step.error);
      const hasMoreWork =
        step.error === undefined &&
        step.retryInMs === 0 &&
        step.invocations > 0 &&
        step.pendingRecords === 0 &&
        (step.behindLatest || step.recordsFetched > 0);
      if (!hasMoreWork) {
        await this.#config.clock.sleep(Math.max(this.#config.pollIntervalMs, step.retryInMs), signal);
      }
    }
  }

  /** Shards not yet ended whose parent shards (if still listed) are read to their end. */
  #eligibleWorkers(): ShardWorker[] {
    return [...this.#workers.values()].filter(
      (worker) =>
        !worker.ended &&
        worker.parentShardIds.every((parentId) => this.#workers.get(parentId)?.ended ?? true),
    );
  }

  #discoverShardsIfDue(): Promise<void> {
    const now = this.#config.clock.now();
    const due =
      this.#lastDiscoveryAt === undefined ||
      now - this.#lastDiscoveryAt >= this.#config.shardDiscoveryIntervalMs;
    if (!due) return Promise.resolve();
    this.#discovery ??= this.#discoverShards().finally(() => {
      this.#discovery = undefined;
    });
    return this.#discovery;
  }

  async #discoverShards(): Promise<void> {
    const shards = await this.#listShards();
    const firstDiscovery = this.#lastDiscoveryAt === undefined;
    this.#lastDiscoveryAt = this.#config.clock.now();
    const listed = new Set(shards.map((shard) => shard.ShardId));
    for (const shardId of this.#workers.keys()) {
      if (!listed.has(shardId)) this.#workers.delete(shardId);
    }
    for (const shard of shards) {
      const shardId = shard.ShardId;
      if (shardId === undefined || this.#workers.has(shardId)) continue;
      const startingPosition =
        firstDiscovery || this.#config.startingPosition !== StartingPosition.LATEST
          ? this.#config.startingPosition
          : StartingPosition.TRIM_HORIZON;
      this.#workers.set(
        shardId,
        new ShardWorker({
          config: this.#config,
          stats: this.#stats,
          shardId,
          parentShardIds: [shard.ParentShardId, shard.AdjacentParentShardId].filter(
            (id): id is string => id !== undefined,
          ),
          startingPosition,
        }),
      );
    }
  }

  async #listShards(): Promise<Shard[]> {
    const shards: Shard[] = [];
    let nextToken: string | undefined;
    do {
      const input =
        nextToken === undefined ? { StreamName: this.#config.streamName } : { NextToken: nextToken };
      try {
        const output = await this.#config.kinesis.send(new ListShardsCommand(input));
        shards.push(...(output.Shards ?? []));
        nextToken = output.NextToken;
      } catch (error) {
        throw new KinesisReadError('ListShards', undefined, error);
      }
    } while (nextToken !== undefined);
    return shards;
  }
}

function sum(
  steps: readonly StepResult[],
  key: 'recordsFetched' | 'invocations' | 'recordsDelivered' | 'failuresSentToDestination',
): number {
  return steps.reduce((total, step) => total + step[key], 0);
}
