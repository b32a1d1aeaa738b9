import { randomUUID } from 'node:crypto';
import {
  GetRecordsCommand,
  type GetRecordsCommandOutput,
  GetShardIteratorCommand,
} from '@aws-sdk/client-kinesis';
import { interpretBatchResponse } from './batch-response';
import { type ResolvedConfig, retryBackoffMs } from './config';
import { EsmLimits, INFINITE } from './constants';
import {
  CheckpointNotInStreamError,
  DestinationDeliveryError,
  FunctionTimeoutError,
  KinesisReadError,
  ShardPollError,
} from './errors';
import { buildKinesisEvent, countRecordsThatFit, type FetchedRecord, toFetchedRecord } from './event-builder';
import { type InvocationOutcome, invokeFunction } from './function-invoker';
import { buildInvocationRecord } from './invocation-record';
import { compareSequenceNumbers } from './sequence-number';
import {
  type EventSourceMappingStats,
  FailureCondition,
  type KinesisInvocationRecord,
  type OnFailureDetails,
  StartingPosition,
} from './types';

/** The counters a worker adds to (the mapping's stats without the shard count). */
export type MutableStats = { -readonly [K in Exclude<keyof EventSourceMappingStats, 'shards'>]: number };

/** What one step of one shard did. */
export interface StepResult {
  recordsFetched: number;
  invocations: number;
  recordsDelivered: number;
  failuresSentToDestination: number;
  pendingRecords: number;
  behindLatest: boolean;
  /** Set when the step failed (Kinesis, destination or checkpoint store); the shard retries after its backoff. */
  error: ShardPollError | undefined;
  /** Milliseconds until this shard may take its next step (0: now). */
  retryInMs: number;
}

/** What a {@link ShardWorker} needs. */
export interface ShardWorkerInput {
  readonly config: ResolvedConfig;
  readonly stats: MutableStats;
  readonly shardId: string;
  readonly parentShardIds: readonly string[];
  /** Where to start without a checkpoint (shards found after the first ListShards start at TRIM_HORIZON). */
  readonly startingPosition: StartingPosition;
}

/** A batch between its first invocation and its checkpoint. */
interface PendingBatch {
  readonly records: readonly FetchedRecord[];
  /** Failed attempts charged against `maximumRetryAttempts`. */
  retryCount: number;
  /** Invocations of exactly these records. */
  invokeCount: number;
  /** Set once the batch is discarded; kept until the destination accepted the record. */
  discard?: { readonly record: KinesisInvocationRecord; readonly details: OnFailureDetails };
}

type Verdict =
  | { readonly kind: 'success' }
  | { readonly kind: 'partial'; readonly firstFailedIndex: number }
  | {
      readonly kind: 'failure';
      readonly functionError: 'Unhandled' | null;
      readonly error: unknown;
      /** Function errors (throw, timeout, complete-failure response) bisect; a failed first item does not. */
      readonly bisectable: boolean;
    };

/**
 * One shard of the mapping: reads it in order, one batch in flight at a time (ParallelizationFactor 1), and
 * applies Lambda's retry, bisect, partial-response, record-age and destination rules to that batch.
 * Calls to {@link step} are serialized, so `pollOnce()` and the background loop can share a worker.
 */
export class ShardWorker {
  readonly shardId: string;
  readonly parentShardIds: readonly string[];
  readonly #config: ResolvedConfig;
  readonly #stats: MutableStats;
  readonly #startingPosition: StartingPosition;
  /** `undefined`: not acquired yet; `null`: the closed shard was read to its end. */
  #iterator: string | null | undefined = undefined;
  #buffer: FetchedRecord[] = [];
  #pending: PendingBatch[] = [];
  #checkpoint: string | undefined;
  #windowStartedAt = 0;
  #initialized = false;
  #ended = false;
  /** Consecutive failures of this shard (failed invocations, failed steps); a clean step resets it. */
  #failureStreak = 0;
  /** The shard takes no step before this time (retry backoff). */
  #notBefore = 0;
  #failedInStep = false;
  #queue: Promise<unknown> = Promise.resolve();

  constructor(input: ShardWorkerInput) {
    this.#config = input.config;
    this.#stats = input.stats;
    this.shardId = input.shardId;
    this.parentShardIds = input.parentShardIds;
    this.#startingPosition = input.startingPosition;
  }

  /** True once the shard is closed and every record of it is checkpointed. */
  get ended(): boolean {
    return this.#ended;
  }

  /** The last sequence number processed or discarded. */
  get checkpoint(): string | undefined {
    return this.#checkpoint;
  }

  /** Records fetched but not yet checkpointed. */
  get pendingRecords(): number {
    return this.#buffer.length + this.#pending.reduce((sum, batch) => sum + batch.records.length, 0);
  }

  /** Milliseconds until the shard may take its next step (0: now). */
  get retryInMs(): number {
    return Math.max(0, this.#notBefore - this.#config.clock.now());
  }

  /**
   * One step: finish or retry the pending batch, or fetch and, when a batch is ready, invoke it.
   * At most one invocation per step. Never rejects: a failure is returned as `error` and the shard waits its
   * retry backoff (exponential per consecutive failure) before its next step; so does a failed invocation.
   */
  step(): Promise<StepResult> {
    const run = this.#queue.then(() => this.#step());
    this.#queue = run.catch(() => undefined);
    return run;
  }

  async #step(): Promise<StepResult> {
    const result: StepResult = {
      recordsFetched: 0,
      invocations: 0,
      recordsDelivered: 0,
      failuresSentToDestination: 0,
      pendingRecords: 0,
      behindLatest: false,
      error: undefined,
      retryInMs: 0,
    };
    if (this.retryInMs === 0) {
      this.#failedInStep = false;
      try {
        await this.#work(result);
        if (!this.#failedInStep) this.#failureStreak = 0;
      } catch (error) {
        const waitMs = this.#backOff();
        result.error = new ShardPollError(this.shardId, waitMs, error);
      }
    }
    result.pendingRecords = this.pendingRecords;
    result.retryInMs = this.retryInMs;
    return result;
  }

  async #work(result: StepResult): Promise<void> {
    if (!this.#initialized) await this.#initialize();
    if (this.#ended) return;
    if (this.#pending.length === 0) {
      await this.#fetch(result);
      const batch = this.#cutBatch();
      if (batch !== undefined) this.#pending.push(batch);
    }
    if (this.#pending.length > 0) await this.#processFront(result);
    if (this.#pending.length === 0 && this.#buffer.length === 0 && this.#iterator === null) {
      await this.#markEnded();
    }
  }

  /** Counts a failure of the shard and schedules its next step after the backoff; returns the wait. */
  #backOff(): number {
    this.#failedInStep = true;
    this.#failureStreak += 1;
    const waitMs = retryBackoffMs(this.#config, this.#failureStreak);
    this.#notBefore = this.#config.clock.now() + waitMs;
    return waitMs;
  }

  async #initialize(): Promise<void> {
    const saved = await this.#config.checkpointStore.load(this.#config.mappingId, this.shardId);
    this.#checkpoint = saved?.sequenceNumber;
    this.#ended = saved?.shardEnd ?? false;
    this.#windowStartedAt = this.#config.clock.now();
    this.#initialized = true;
  }

  async #fetch(result: StepResult): Promise<void> {
    const limit = this.#config.batchSize - this.#buffer.length;
    if (this.#iterator === null || limit <= 0) return;
    const output = await this.#getRecords(limit);
    if (output === undefined) return;
    const fetchedAt = this.#config.clock.now();
    const envelope = {
      shardId: this.shardId,
      streamArn: this.#config.streamArn,
      awsRegion: this.#config.region,
      invokeIdentityArn: this.#config.invokeIdentityArn,
    };
    for (const record of output.Records ?? []) {
      const sequenceNumber = record.SequenceNumber;
      if (sequenceNumber === undefined) continue;
      const highWater = this.#buffer.at(-1)?.sequenceNumber ?? this.#checkpoint;
      if (highWater !== undefined && compareSequenceNumbers(sequenceNumber, highWater) <= 0) continue;
      this.#buffer.push(toFetchedRecord(record, envelope, fetchedAt));
      result.recordsFetched += 1;
    }
    this.#iterator = output.NextShardIterator ?? null;
    result.behindLatest = (output.MillisBehindLatest ?? 0) > 0;
  }

  /** GetRecords; an expired iterator is re-acquired after the last record read, once. */
  async #getRecords(limit: number): Promise<GetRecordsCommandOutput | undefined> {
    for (let attempt = 1; ; attempt += 1) {
      if (this.#iterator === undefined) this.#iterator = await this.#acquireIterator();
      if (this.#iterator === null) return undefined;
      try {
        return await this.#config.kinesis.send(
          new GetRecordsCommand({ ShardIterator: this.#iterator, Limit: limit }),
        );
      } catch (error) {
        if (errorName(error) === 'ExpiredIteratorException') {
          this.#iterator = undefined;
          if (attempt < 2) continue;
        }
        throw new KinesisReadError('GetRecords', this.shardId, error);
      }
    }
  }

  async #acquireIterator(): Promise<string | null> {
    const after = this.#buffer.at(-1)?.sequenceNumber ?? this.#checkpoint;
    const base = { StreamName: this.#config.streamName, ShardId: this.shardId };
    let command: GetShardIteratorCommand;
    if (after !== undefined) {
      command = new GetShardIteratorCommand({
        ...base,
        ShardIteratorType: 'AFTER_SEQUENCE_NUMBER',
        StartingSequenceNumber: after,
      });
    } else if (this.#startingPosition === StartingPosition.AT_TIMESTAMP) {
      command = new GetShardIteratorCommand({
        ...base,
        ShardIteratorType: 'AT_TIMESTAMP',
        Timestamp: this.#config.startingPositionTimestamp,
      });
    } else {
      command = new GetShardIteratorCommand({ ...base, ShardIteratorType: this.#startingPosition });
    }
    try {
      return await this.#iteratorOf(command);
    } catch (error) {
      const cause = error instanceof KinesisReadError ? error.cause : error;
      if (after === undefined || this.#buffer.length > 0 || !isUnknownSequenceNumber(cause)) throw error;
      // Records above the checkpoint are all that is left to read: start at the shard's first record and let
      // the fetch skip everything at or below the checkpoint.
      this.#config.onError?.(new CheckpointNotInStreamError(this.shardId, after, cause));
      return this.#iteratorOf(new GetShardIteratorCommand({ ...base, ShardIteratorType: 'TRIM_HORIZON' }));
    }
  }

  async #iteratorOf(command: GetShardIteratorCommand): Promise<string | null> {
    try {
      const output = await this.#config.kinesis.send(command);
      return output.ShardIterator ?? null;
    } catch (error) {
      throw new KinesisReadError('GetShardIterator', this.shardId, error);
    }
  }

  /** Cuts the next batch when it is full (count or 6 MB), the batching window expired, or the shard ended. */
  #cutBatch(): PendingBatch | undefined {
    if (this.#buffer.length === 0) return undefined;
    const count = countRecordsThatFit(this.#buffer, this.#config.batchSize, EsmLimits.payloadBytes);
    const full = count >= this.#config.batchSize || count < this.#buffer.length;
    const windowExpired = this.#config.clock.now() - this.#windowStartedAt >= this.#config.batchingWindowMs;
    if (!full && !windowExpired && this.#iterator !== null) return undefined;
    return { records: this.#buffer.splice(0, count), retryCount: 0, invokeCount: 0 };
  }

  async #processFront(result: StepResult): Promise<void> {
    let batch = this.#pending[0];
    if (batch === undefined) return;
    if (batch.discard !== undefined) {
      await this.#deliverDiscard(batch, result);
      return;
    }
    const expiredCount = this.#countExpired(batch.records);
    if (expiredCount > 0) {
      const expired = batch.records.slice(0, expiredCount);
      const rest = batch.records.slice(expiredCount);
      const expiredBatch: PendingBatch = {
        records: expired,
        retryCount: batch.retryCount,
        invokeCount: batch.invokeCount,
        discard: this.#discardOf(
          expired,
          FailureCondition.RecordAgeExceeded,
          batch.invokeCount + 1,
          randomUUID(),
        ),
      };
      const restBatch: PendingBatch | undefined =
        rest.length === 0
          ? undefined
          : { records: rest, retryCount: batch.retryCount, invokeCount: batch.invokeCount };
      this.#pending.splice(0, 1, expiredBatch, ...(restBatch === undefined ? [] : [restBatch]));
      await this.#deliverDiscard(expiredBatch, result);
      if (restBatch === undefined) return;
      batch = restBatch;
    }
    await this.#invoke(batch, result);
  }

  /** Leading records older than `maximumRecordAgeInSeconds` (records of a shard arrive in order). */
  #countExpired(records: readonly FetchedRecord[]): number {
    const maximumAgeMs = this.#config.maximumRecordAgeMs;
    if (maximumAgeMs === INFINITE) return 0;
    const now = this.#config.clock.now();
    const firstFresh = records.findIndex((record) => now - record.arrivalMs <= maximumAgeMs);
    return firstFresh === -1 ? records.length : firstFresh;
  }

  async #invoke(batch: PendingBatch, result: StepResult): Promise<void> {
    const size = batch.records.length;
    batch.invokeCount += 1;
    this.#stats.invocations += 1;
    this.#stats.recordsDelivered += size;
    result.invocations += 1;
    result.recordsDelivered += size;
    const outcome = await invokeFunction({
      handler: this.#config.handler,
      event: buildKinesisEvent(batch.records),
      functionName: this.#config.functionName,
      functionArn: this.#config.functionArn,
      timeoutMs: this.#config.functionTimeoutMs,
      clock: this.#config.clock,
    });
    this.#windowStartedAt = this.#config.clock.now();
    const verdict = this.#verdictOf(outcome, batch);

    if (verdict.kind === 'success') {
      await this.#commit(lastOf(batch.records).sequenceNumber);
      this.#stats.recordsSucceeded += size;
      this.#pending.shift();
      return;
    }
    if (verdict.kind === 'partial') {
      const succeeded = batch.records.slice(0, verdict.firstFailedIndex);
      await this.#commit(lastOf(succeeded).sequenceNumber);
      this.#stats.recordsSucceeded += succeeded.length;
      this.#stats.retries += 1;
      this.#pending[0] = {
        records: batch.records.slice(verdict.firstFailedIndex),
        retryCount: 0,
        invokeCount: 0,
      };
      this.#backOff();
      return;
    }
    if (verdict.bisectable && this.#config.bisectBatchOnFunctionError && size > 1) {
      this.#backOff();
      const middle = Math.ceil(size / 2);
      this.#pending.splice(
        0,
        1,
        { records: batch.records.slice(0, middle), retryCount: batch.retryCount, invokeCount: 0 },
        { records: batch.records.slice(middle), retryCount: batch.retryCount, invokeCount: 0 },
      );
      this.#stats.bisections += 1;
      return;
    }
    batch.retryCount += 1;
    const maximum = this.#config.maximumRetryAttempts;
    if (maximum !== INFINITE && batch.retryCount > maximum) {
      // The batch's retries end here: its record goes to the destination at once (a failed send backs off anew).
      this.#failureStreak = 0;
      this.#failedInStep = true;
      batch.discard = this.#discardOf(
        batch.records,
        FailureCondition.RetryAttemptsExhausted,
        batch.invokeCount,
        outcome.requestId,
        verdict.functionError,
        verdict.error,
      );
      await this.#deliverDiscard(batch, result);
      return;
    }
    this.#stats.retries += 1;
    this.#backOff();
  }

  #verdictOf(outcome: InvocationOutcome, batch: PendingBatch): Verdict {
    if (outcome.kind === 'timedOut') {
      this.#stats.timeouts += 1;
      this.#stats.functionErrors += 1;
      return {
        kind: 'failure',
        functionError: 'Unhandled',
        error: new FunctionTimeoutError(this.#config.functionTimeoutMs),
        bisectable: true,
      };
    }
    if (outcome.kind === 'threw') {
      this.#stats.functionErrors += 1;
      return { kind: 'failure', functionError: 'Unhandled', error: outcome.error, bisectable: true };
    }
    if (!this.#config.reportBatchItemFailures) return { kind: 'success' };
    const response = interpretBatchResponse(
      outcome.value,
      batch.records.map((record) => record.sequenceNumber),
    );
    if (response.kind === 'success') return response;
    if (response.kind === 'completeFailure') {
      this.#stats.functionErrors += 1;
      return {
        kind: 'failure',
        functionError: null,
        error: new Error(`partial batch response treated as a complete failure: ${response.reason}`),
        bisectable: true,
      };
    }
    this.#stats.partialBatchFailures += 1;
    if (response.firstFailedIndex > 0)
      return { kind: 'partial', firstFailedIndex: response.firstFailedIndex };
    return {
      kind: 'failure',
      functionError: null,
      error: new Error('partial batch response reported the first record of the batch as failed'),
      bisectable: false,
    };
  }

  #discardOf(
    records: readonly FetchedRecord[],
    condition: FailureCondition,
    approximateInvokeCount: number,
    requestId: string,
    functionError?: 'Unhandled' | null,
    lastError?: unknown,
  ): NonNullable<PendingBatch['discard']> {
    const record = buildInvocationRecord({
      condition,
      requestId,
      functionArn: this.#config.functionArn,
      approximateInvokeCount,
      functionError: condition === FailureCondition.RecordAgeExceeded ? undefined : (functionError ?? null),
      timestampMs: this.#config.clock.now(),
      shardId: this.shardId,
      streamArn: this.#config.streamArn,
      records,
    });
    const event = buildKinesisEvent(records);
    return { record, details: lastError === undefined ? { event } : { event, lastError } };
  }

  /** Sends a discarded batch's record to the destination, then checkpoints past the batch. */
  async #deliverDiscard(batch: PendingBatch, result: StepResult): Promise<void> {
    const discard = batch.discard;
    if (discard === undefined) return;
    const onFailure = this.#config.onFailure;
    if (onFailure !== undefined) {
      try {
        await onFailure(discard.record, discard.details);
      } catch (error) {
        throw new DestinationDeliveryError(discard.record, error);
      }
      this.#stats.failuresSentToDestination += 1;
      result.failuresSentToDestination += 1;
    }
    this.#stats.batchesDiscarded += 1;
    this.#stats.recordsDiscarded += batch.records.length;
    await this.#commit(lastOf(batch.records).sequenceNumber);
    this.#pending.shift();
  }

  async #commit(sequenceNumber: string): Promise<void> {
    await this.#config.checkpointStore.save(this.#config.mappingId, this.shardId, {
      sequenceNumber,
      shardEnd: false,
    });
    this.#checkpoint = sequenceNumber;
  }

  async #markEnded(): Promise<void> {
    await this.#config.checkpointStore.save(this.#config.mappingId, this.shardId, {
      sequenceNumber: this.#checkpoint,
      shardEnd: true,
    });
    this.#ended = true;
  }
}

function lastOf(records: readonly FetchedRecord[]): FetchedRecord {
  const last = records[records.length - 1];
  if (last === undefined) throw new RangeError('a batch has at least one record');
  return last;
}

/** kinesis-local's answer to an iterator at a sequence number the shard does not hold. */
function isUnknownSequenceNumber(error: unknown): boolean {
  const name = errorName(error);
  return (
    (name === 'ResourceNotFoundException' || name === 'InvalidArgumentException') &&
    error instanceof Error &&
    /sequence ?number/i.test(error.message)
  );
}

function errorName(error: unknown): string | undefined {
  return error instanceof Error ? error.name : undefined;
}
