import type { CheckpointManager, WriteAheadLog } from '../checkpoint';
import {
  type BatchEvaluation,
  type Clock,
  decodeOffsetKey,
  describeError,
  ErrorCode,
  errorCodeOf,
  encodeOffsetKey,
  evaluateBatch,
  type InputRecord,
  InvalidConfigurationError,
  isAfter,
  type Pipeline,
  type ReferenceResolver,
  type SourceRecord,
  SparklessError,
  StaticReferenceResolver,
  systemClock,
  type TextFileSink,
} from '../core';
import {
  EMPTY_LEDGER,
  eventTimeClock,
  type LedgerEntry,
  type OpenBatch,
  type PartitionLedgerStore,
} from '../ledger';
import type { MetricsSink } from '../metrics';
import {
  type BatchFailureEvent,
  type BatchProgress,
  buildFailureEvent,
  buildProgress,
  type ProgressSink,
  type StateOperatorProgress,
} from '../progress';
import type { DeadLetterEntry, DeadLetterSink } from '../sinks';
import type { MalformedEnvelope } from '../sources';
import { fireQuietly, TimeoutTimers, type WindowFirer, type WindowProgressStore } from '../windows';
import type { KeyedStateStore } from '../state';
import {
  printToStdout,
  sendDeadLetters,
  toDeadLetterEntries,
  toEnvelopeDeadLetterEntries,
} from './dead-letters';
import type { ReferenceProvider, ReferenceVersions, VersionedReferenceResolver } from './reference-provider';
import { FencedStateBackend } from './fenced-state-backend';

/** Options of {@link BatchExecutor}: the pipeline and the ports it runs against. */
export interface BatchExecutorOptions {
  readonly pipeline: Pipeline;
  /** The state namespace (keys, ledger, log and dead letters are all under it). */
  readonly namespace: string;
  readonly state: KeyedStateStore;
  readonly ledger: PartitionLedgerStore;
  readonly writeAheadLog: WriteAheadLog;
  readonly deadLetters: DeadLetterSink;
  /**
   * Where per-batch metrics go.
   *
   * @default none
   */
  readonly metrics?: MetricsSink;
  /**
   * Where `print` blocks go.
   *
   * @default process.stdout
   */
  readonly print?: (block: string) => void;
  /**
   * Supplies the pipeline's reference data before each batch (loading or refreshing it).
   *
   * @default none: only reference data with a `static` source resolves
   */
  readonly references?: ReferenceProvider;
  /**
   * Where `saveAsTextFiles` writes.
   *
   * @default none: a pipeline that saves text files fails its batches
   */
  readonly textFiles?: TextFileSink;
  /**
   * Window bookkeeping (pane index, frontier, clock floor) and the timer bucket index of
   * `mapWithState` timeouts; required when the pipeline has windowed operators or timeouts.
   *
   * @default none
   */
  readonly windowProgress?: WindowProgressStore;
  /**
   * Fires due windows and sweeps due `mapWithState` timeouts after every committed batch.
   *
   * @default none: only the scheduled trigger fires windows and sweeps timeouts
   */
  readonly windowFirer?: WindowFirer;
  /**
   * Where late records of windowed operators with `keepLateData` go.
   *
   * @default none: late records are only counted
   */
  readonly lateData?: DeadLetterSink;
  /**
   * Snapshots committed offsets into the metadata checkpoint.
   *
   * @default no snapshots
   */
  readonly checkpoint?: CheckpointManager;
  /**
   * Minimum milliseconds between two offset snapshots of one partition.
   *
   * @default 60000
   */
  readonly offsetsSnapshotIntervalMs?: number;
  /**
   * The clock that stamps batch times.
   *
   * @default the system clock
   */
  readonly clock?: Clock;
  /**
   * How often the ledger may be found changed by a concurrent attempt before the call fails (Lambda retries it).
   *
   * @default 20
   */
  readonly maxLedgerRetries?: number;
  /**
   * Conditional state writes in flight at once.
   *
   * @default 16
   */
  readonly stateWriteConcurrency?: number;
  /**
   * Lifetime of a removed key's tombstone in seconds.
   *
   * @default 604800 (7 days)
   */
  readonly tombstoneTtlSeconds?: number;
  /**
   * Where each batch's progress record goes (written before the batch commits, so every committed
   * batch has one; a replay rewrites it) and each failed attempt's failure event.
   *
   * @default none: no progress is kept
   */
  readonly progress?: ProgressSink;
  /**
   * The deployed code version, the progress records' `runId`.
   *
   * @default 'unversioned'
   */
  readonly runId?: string;
}

/** Milliseconds an attempt spent before evaluation, when it started, and what it read (for its progress record). */
interface AttemptPhases {
  /** The source partition's description (`SourceProgress.description`). */
  readonly sourceDescription: string;
  /** Epoch ms the attempt started (its ledger read). */
  readonly started: number;
  /** Reading the ledger and claiming. */
  readonly ledger: number;
  /** Writing (or, for a replay, reading) the write-ahead log. */
  readonly walCommit: number;
}

/** What running one batch produced, for its commit. */
interface BatchOutcome {
  readonly deadLetters: number;
  /** The latest event time of a windowed operator's input in the batch, if any. */
  readonly maxEventTime: number | undefined;
  /** The latest arrival time of the batch's records. */
  readonly maxArrivalTime: number;
  /** The batch's progress record, for the listeners once it commits; absent when nothing needs it. */
  readonly progress: BatchProgress | undefined;
}

/** Options of {@link BatchExecutor.processPartition}. */
export interface ProcessPartitionOptions {
  /**
   * The id the partition had in an older partition-id format (a Kinesis shard's bare shard id),
   * when ledgers of that format may exist (the metadata checkpoint says so). A partition seen for the
   * first time then adopts that ledger: it finishes its open claim under the old id (same batch id,
   * write-ahead log and fencing marks as the attempt that claimed it), marks it moved, and continues
   * from its committed offset and batch number, honouring the old id's fencing marks as its own.
   *
   * @default none: no older ledger is looked for
   */
  readonly legacyPartition?: string;
  /**
   * Refuse records at or below the committed offset that the ledger cannot have claimed (see
   * {@link PartitionHistoryMismatchError}) instead of skipping them. Sound for sources whose records
   * keep their offset and arrival time across redeliveries and whose partition ids can be reused by
   * a new run of offsets: Kinesis shards (a stream recreated under the same name). Not for the text-file
   * source, where an identical re-upload is the same partition with a later arrival time.
   *
   * @default false
   */
  readonly checkHistory?: boolean;
  /**
   * The partition's description in progress records (`sources[].description`), e.g.
   * `kinesis[stream=orders, shard=shardId-000000000003]`.
   *
   * @default `<source kind>[partition=<partition>]`
   */
  readonly sourceDescription?: string;
}

/**
 * A delivered record cannot belong to the partition's ledger: it is at or below the committed offset,
 * so it would be skipped as done, yet the ledger never claimed it: it lies below the first offset the
 * ledger ever claimed, or arrived later than anything the ledger committed. The usual cause is a
 * stream deleted and recreated under the same name (same ARN, so the same partition id, but a new
 * run of sequence numbers); skipping would drop its records silently, so the batch fails (Lambda
 * retries it, alarms fire) until an operator decides.
 */
export class PartitionHistoryMismatchError extends SparklessError {
  public constructor(
    public readonly partition: string,
    public readonly record: Pick<SourceRecord, 'offset' | 'arrivalTime'>,
    public readonly ledger: {
      readonly origin: string;
      readonly committed: string;
      readonly maxArrivalTime: number | undefined;
    },
    namespace: string,
  ) {
    super(
      ErrorCode.PartitionHistoryMismatch,
      `partition ${partition}: record ${record.offset} (arrived ${new Date(record.arrivalTime).toISOString()}) is at or below the committed offset ${ledger.committed}, ` +
        `but this ledger never claimed it: its history starts at ${ledger.origin}` +
        (ledger.maxArrivalTime === undefined
          ? ''
          : ` and nothing it committed arrived after ${new Date(ledger.maxArrivalTime).toISOString()}`) +
        `. Was the stream deleted and recreated under the same name? Its records would be skipped silently, so the batch fails instead. ` +
        `Process the new stream in a new state namespace (set stateNamespace / SPARKLESS_STATE_NAMESPACE to e.g. "${namespace}-v2"), ` +
        `or, if these records were meant to be skipped, move the event source mapping past them.`,
    );
  }
}

/** What processing one partition's delivery did. */
export interface PartitionResult {
  readonly partition: string;
  /** The committed offset after processing (decimal), if any. */
  readonly committedOffset: string | undefined;
  /** Batches committed by this call (including replays of open batches). */
  readonly batchesCommitted: number;
  /** Delivered records at or below the committed offset: already processed, skipped. */
  readonly skippedRecords: number;
  /** Records and elements dead-lettered. */
  readonly deadLetters: number;
}

/**
 * Runs a pipeline over one partition's delivery with exactly-once effect:
 *
 * 1. read the partition ledger; skip records at or below the committed offset;
 * 2. finish an open batch left by a failed attempt, replaying it from the write-ahead log;
 * 3. log the new records and the versions of the reference data they will be joined with, claim them
 *    as the next batch (compare-and-set on the ledger); a replay reads the same versions back;
 * 4. evaluate: fenced state writes, dead letters, outputs with a stable batch id;
 * 5. commit: the ledger's committed offset moves to the batch's last record.
 *
 * Any failure leaves either nothing or an open claim; the next attempt, however Lambda
 * cuts its batch, finishes the claim first.
 */
export class BatchExecutor {
  private readonly options: BatchExecutorOptions;
  private readonly clock: Clock;
  private readonly print: (block: string) => void;
  private readonly lastSnapshot = new Map<string, number>();
  private readonly staticReferences = new StaticReferenceResolver();
  private readonly timers: TimeoutTimers | undefined;

  public constructor(options: BatchExecutorOptions) {
    this.options = options;
    this.clock = options.clock ?? systemClock;
    this.print = options.print ?? printToStdout;
    const { pipeline, windowProgress } = options;
    const fired = pipeline.firedWindowNodes[0];
    if (fired !== undefined && windowProgress === undefined) {
      throw new InvalidConfigurationError(
        `pipeline ${pipeline.name} has the append-mode windowed operator ${fired.operatorId}: give the executor a windowProgress store (it keeps the pane index and the fired frontier)`,
      );
    }
    const timeouts = pipeline.timeoutNodes[0];
    if (timeouts !== undefined && windowProgress === undefined) {
      throw new InvalidConfigurationError(
        `pipeline ${pipeline.name} has mapWithState ${timeouts.operatorId} with a timeout: give the executor a windowProgress store (it keeps the timer bucket index)`,
      );
    }
    this.timers =
      timeouts === undefined || windowProgress === undefined
        ? undefined
        : new TimeoutTimers({
            pipeline,
            state: options.state,
            progress: windowProgress,
            clock: this.clock,
            writeConcurrency: options.stateWriteConcurrency,
          });
  }

  /**
   * Processes `records` of one partition (any order, duplicates allowed). A failed attempt sends a
   * failure event to the progress sink, then throws its error.
   */
  public async processPartition(
    partition: string,
    records: readonly SourceRecord[],
    options: ProcessPartitionOptions = {},
  ): Promise<PartitionResult> {
    try {
      return await this.runPartition(partition, records, options);
    } catch (error) {
      await this.reportFailure(partition, error);
      throw error;
    }
  }

  private async runPartition(
    partition: string,
    records: readonly SourceRecord[],
    options: ProcessPartitionOptions,
  ): Promise<PartitionResult> {
    const delivered = toInputRecords(records);
    const maxRetries = this.options.maxLedgerRetries ?? 20;
    const sourceDescription = options.sourceDescription ?? this.describeSource(partition);
    let batchesCommitted = 0;
    let deadLetters = 0;
    for (let attempt = 0; attempt <= maxRetries; attempt++) {
      let started = this.clock.now();
      let ledger = await this.options.ledger.read(partition);
      let ledgerRead = this.clock.now() - started;
      if (ledger.version === 0 && options.legacyPartition !== undefined) {
        const step = await this.adoptLegacyLedger(partition, options.legacyPartition);
        deadLetters += step.deadLetters;
        batchesCommitted += step.batchesCommitted;
        if (step.changed) continue;
      }
      if (ledger.version === 0 && this.options.windowProgress !== undefined) {
        await this.register(partition, this.options.windowProgress);
        continue;
      }
      if (ledger.open !== undefined) {
        const walRead = this.clock.now();
        const replay = await this.options.writeAheadLog.read(ledger.open.walKey);
        const references = await this.pinnedReferences(replay.references);
        const phases = {
          sourceDescription,
          started,
          ledger: ledgerRead,
          walCommit: this.clock.now() - walRead,
        };
        const outcome = await this.runBatch(
          partition,
          ledger,
          ledger.open,
          replay.records,
          references,
          true,
          phases,
        );
        deadLetters += outcome.deadLetters;
        const committed = await this.commit(partition, ledger, ledger.open, outcome);
        if (committed === undefined) continue;
        batchesCommitted++;
        ledger = committed;
        // The next batch's attempt starts here: the replay is not part of it.
        started = this.clock.now();
        ledgerRead = 0;
      }
      const fresh = delivered.filter((record) => isAfter(record.offsetKey, ledger.committedOffsetKey));
      const skippedRecords = delivered.length - fresh.length;
      const first = fresh[0];
      const last = fresh[fresh.length - 1];
      if (options.checkHistory === true) this.assertRedeliveries(partition, ledger, delivered, fresh.length);
      if (first === undefined || last === undefined) {
        return this.result(partition, ledger, batchesCommitted, skippedRecords, deadLetters);
      }
      const batch: OpenBatch = {
        batchNumber: ledger.nextBatchNumber,
        firstOffsetKey: first.offsetKey,
        lastOffsetKey: last.offsetKey,
        walKey: this.options.writeAheadLog.keyFor(partition, ledger.nextBatchNumber, last.offsetKey),
        batchTime: this.clock.now(),
      };
      const references = await this.currentReferences();
      const walWrite = this.clock.now();
      await this.options.writeAheadLog.write(batch.walKey, fresh, references.versions, {
        after: ledger.committedOffsetKey,
      });
      const walCommit = this.clock.now() - walWrite;
      const claimStarted = this.clock.now();
      const claimed: LedgerEntry = {
        ...ledger,
        version: ledger.version + 1,
        open: batch,
        // The first claim of a ledger with no history fixes its origin (see assertRedeliveries).
        ...(ledger.originOffsetKey === undefined && ledger.committedOffsetKey === undefined
          ? { originOffsetKey: first.offsetKey }
          : {}),
      };
      if (!(await this.options.ledger.write(partition, claimed, ledger.version))) continue;
      const phases = {
        sourceDescription,
        started,
        ledger: ledgerRead + this.clock.now() - claimStarted,
        walCommit,
      };
      const outcome = await this.runBatch(partition, claimed, batch, fresh, references, false, phases);
      deadLetters += outcome.deadLetters;
      const committed = await this.commit(partition, claimed, batch, outcome);
      if (committed === undefined) continue;
      batchesCommitted++;
      if (this.options.windowFirer !== undefined) await fireQuietly(this.options.windowFirer);
      return this.result(partition, committed, batchesCommitted, skippedRecords, deadLetters);
    }
    throw new SparklessError(
      ErrorCode.LedgerConflictRetriesExhausted,
      `partition ${partition}: the ledger changed under ${maxRetries + 1} attempts in a row; the batch will be retried`,
    );
  }

  /**
   * Dead-letters records whose envelope could not be read (they never reach a batch). Their ids are
   * deterministic, so a redelivery rewrites the same entries; a failed write throws, and the caller
   * fails the delivery so that it is retried.
   */
  public async deadLetterEnvelopes(envelopes: readonly MalformedEnvelope[]): Promise<void> {
    const { pipeline, namespace } = this.options;
    await this.deadLetterUnbatched(
      toEnvelopeDeadLetterEntries(envelopes, { pipeline: pipeline.name, namespace }),
      'malformed record dead-lettered',
    );
  }

  /**
   * Dead-letters input that never reached a batch (a malformed envelope, an object version gone
   * before it was read): writes the entries, counts them in the `DeadLetters` metric and logs each
   * with `message`. The entries' ids must be deterministic, so a retried delivery rewrites them; a
   * failed write throws, and the caller fails the delivery so that it is retried.
   */
  public async deadLetterUnbatched(entries: readonly DeadLetterEntry[], message: string): Promise<void> {
    if (entries.length === 0) return;
    await this.options.deadLetters.send(entries);
    this.options.metrics?.recordEnvelopes?.({
      pipeline: this.options.pipeline.name,
      time: this.clock.now(),
      deadLetters: entries.length,
    });
    for (const entry of entries) {
      console.warn(
        JSON.stringify({
          level: 'WARN',
          message,
          deadLetter: entry.id,
          errorCode: entry.errorCode,
          reason: entry.reason,
        }),
      );
    }
  }

  /**
   * One step of adopting the ledger `legacy` had in an older partition-id format (see
   * {@link ProcessPartitionOptions.legacyPartition}); `changed` when it wrote something, and the
   * caller reads the ledger again. Every step is a compare-and-set, so concurrent attempts (and
   * late attempts of the old code on the old ledger) take turns instead of racing.
   */
  private async adoptLegacyLedger(
    partition: string,
    legacy: string,
  ): Promise<{ changed: boolean; batchesCommitted: number; deadLetters: number }> {
    const unchanged = { changed: false, batchesCommitted: 0, deadLetters: 0 };
    const old = await this.options.ledger.read(legacy);
    if (old.version === 0) return unchanged;
    if (old.movedTo !== undefined && old.movedTo !== partition) {
      // Two streams shared this shard id's ledger under the old format; the first to upgrade took it.
      console.warn(
        JSON.stringify({
          level: 'WARN',
          message: 'the old ledger of this shard id was adopted by another stream; starting a new ledger',
          partition,
          legacyPartition: legacy,
          adoptedBy: old.movedTo,
        }),
      );
      return unchanged;
    }
    if (old.movedTo === undefined && old.open !== undefined) {
      // Finish the old claim as the old code would: its batch id, log and fencing marks are the old id's.
      const replay = await this.options.writeAheadLog.read(old.open.walKey);
      const references = await this.pinnedReferences(replay.references);
      const phases = {
        sourceDescription: this.describeSource(legacy),
        started: this.clock.now(),
        ledger: 0,
        walCommit: 0,
      };
      const outcome = await this.runBatch(legacy, old, old.open, replay.records, references, true, phases);
      const committed = await this.commit(legacy, old, old.open, outcome);
      return {
        changed: true,
        batchesCommitted: committed === undefined ? 0 : 1,
        deadLetters: outcome.deadLetters,
      };
    }
    if (old.movedTo === undefined) {
      await this.options.ledger.write(
        legacy,
        { ...old, version: old.version + 1, movedTo: partition },
        old.version,
      );
      return { ...unchanged, changed: true };
    }
    const adopted: LedgerEntry = {
      ...old,
      version: 1,
      open: undefined,
      movedTo: undefined,
      migratedFrom: legacy,
      lastActiveAt: this.clock.now(),
    };
    await this.options.ledger.write(partition, adopted, 0);
    return { ...unchanged, changed: true };
  }

  /**
   * Refuses records at or below the committed offset (skipped as already done) that cannot have
   * been claimed by this ledger: below the first offset it ever claimed, or arrived later than
   * anything it committed (a record's arrival time is stored with it, so a redelivery has the one it
   * was committed with). See {@link PartitionHistoryMismatchError}. Ledgers adopted from the older
   * format do not know their origin and accept them.
   */
  private assertRedeliveries(
    partition: string,
    ledger: LedgerEntry,
    delivered: readonly InputRecord[],
    freshCount: number,
  ): void {
    const { originOffsetKey: origin, committedOffsetKey: committed, maxArrivalTime } = ledger;
    if (origin === undefined || committed === undefined || freshCount === delivered.length) return;
    const foreign = delivered.find(
      (record) =>
        !isAfter(record.offsetKey, committed) &&
        (record.offsetKey < origin || (maxArrivalTime !== undefined && record.arrivalTime > maxArrivalTime)),
    );
    if (foreign === undefined) return;
    throw new PartitionHistoryMismatchError(
      partition,
      foreign,
      { origin: decodeOffsetKey(origin), committed: decodeOffsetKey(committed), maxArrivalTime },
      this.options.namespace,
    );
  }

  /** The reference data for a new batch, with the versions its log records. */
  private async currentReferences(): Promise<VersionedReferenceResolver> {
    return this.options.references === undefined ? this.staticReferences : this.options.references.current();
  }

  /** The reference data a replayed batch's first attempt read (by the versions its log recorded), or else the current. */
  private async pinnedReferences(versions: ReferenceVersions | undefined): Promise<ReferenceResolver> {
    const provider = this.options.references;
    if (provider === undefined) return this.staticReferences;
    if (versions === undefined || provider.pinned === undefined) return provider.current();
    return provider.pinned(versions);
  }

  /**
   * A partition seen for the first time registers (so window firers see it), then starts from the
   * namespace's event-time floor: windows fired before it registered are closed for it too.
   */
  private async register(partition: string, progress: WindowProgressStore): Promise<void> {
    const registered: LedgerEntry = { ...EMPTY_LEDGER, version: 1, lastActiveAt: this.clock.now() };
    if (!(await this.options.ledger.write(partition, registered, 0))) return;
    const floor = await progress.readClockFloor();
    if (floor === undefined) return;
    await this.options.ledger.write(partition, { ...registered, version: 2, eventTimeFloor: floor }, 1);
  }

  private async runBatch(
    partition: string,
    ledger: LedgerEntry,
    batch: OpenBatch,
    records: readonly InputRecord[],
    references: ReferenceResolver,
    replayed: boolean,
    phases: AttemptPhases,
  ): Promise<BatchOutcome> {
    const { pipeline, namespace } = this.options;
    const started = this.clock.now();
    const state = new FencedStateBackend({
      store: this.options.state,
      ...(ledger.migratedFrom === undefined
        ? {}
        : { markAliases: new Map([[partition, ledger.migratedFrom]]) }),
      now: () => this.clock.now(),
      writeConcurrency: this.options.stateWriteConcurrency,
      tombstoneTtlSeconds: this.options.tombstoneTtlSeconds,
    });
    const batchId = `${partition}/${batch.batchNumber}`;
    const evaluation = await evaluateBatch(
      pipeline,
      {
        context: {
          batchId,
          batchNumber: batch.batchNumber,
          batchTime: batch.batchTime,
          partition,
          firstOffset: decodeOffsetKey(batch.firstOffsetKey),
          lastOffset: decodeOffsetKey(batch.lastOffsetKey),
        },
        records,
        eventTimeClock: eventTimeClock(ledger),
      },
      {
        state,
        print: this.print,
        references,
        ...(this.options.textFiles === undefined ? {} : { textFiles: this.options.textFiles }),
      },
    );
    const evaluated = this.clock.now();
    await sendDeadLetters(this.options.deadLetters, evaluation.deadLetters, {
      pipeline: pipeline.name,
      namespace,
      batchId,
      batchNumber: batch.batchNumber,
      partition,
    });
    await this.recordWindowProgress(evaluation, batchId, batch.batchNumber, partition);
    await this.timers?.register(evaluation.timers);
    const progress = await this.writeProgress(
      partition,
      ledger,
      batch,
      records,
      evaluation,
      state,
      replayed,
      {
        ...phases,
        evaluate: evaluated - started,
        outputs: this.clock.now() - evaluated,
      },
    );
    this.options.metrics?.record({
      pipeline: pipeline.name,
      partition,
      batchId,
      batchTime: batch.batchTime,
      records: records.length,
      deadLetters: evaluation.deadLetters.length,
      lateRecords: evaluation.late.length,
      replayed,
      stateWrites: state.stats.writes,
      stateConflicts: state.stats.conflicts,
      processingTimeMs: this.clock.now() - started,
      schedulingDelayMs: Math.max(
        0,
        batch.batchTime - Math.min(...records.map((record) => record.arrivalTime)),
      ),
    });
    return {
      progress,
      deadLetters: evaluation.deadLetters.length,
      maxEventTime: evaluation.maxEventTime,
      maxArrivalTime: records.reduce(
        (max, record) => Math.max(max, record.arrivalTime),
        Number.NEGATIVE_INFINITY,
      ),
    };
  }

  /**
   * Builds the batch's progress record and sends it to the progress sink (before the commit: a replay
   * rewrites it); returns it for the listeners, or `undefined` when there is neither sink nor listener.
   */
  private async writeProgress(
    partition: string,
    ledger: LedgerEntry,
    batch: OpenBatch,
    records: readonly InputRecord[],
    evaluation: BatchEvaluation,
    state: FencedStateBackend,
    replayed: boolean,
    phases: AttemptPhases & { readonly evaluate: number; readonly outputs: number },
  ): Promise<BatchProgress | undefined> {
    const sink = this.options.progress;
    const { pipeline, namespace } = this.options;
    if (sink === undefined && !pipeline.listeners.some((listener) => listener.onProgress !== undefined))
      return undefined;
    const stateOperators: StateOperatorProgress[] = pipeline.statefulNodes.map((node) => {
      const stats = state.operatorStats.get(node.operatorId);
      return {
        operatorName: node.operatorKind,
        operatorId: node.operatorId,
        numRowsUpdated: stats?.updated ?? 0,
        numRowsRemoved: stats?.removed ?? 0,
        numRowsDroppedByWatermark: evaluation.late.filter((late) => late.operatorId === node.operatorId)
          .length,
        conflicts: stats?.conflicts ?? 0,
      };
    });
    const progress = buildProgress({
      pipeline: pipeline.name,
      namespace,
      runId: this.options.runId ?? 'unversioned',
      sourceDescription: phases.sourceDescription,
      outputs: pipeline.outputs.map((output) => output.kind),
      partition,
      batchNumber: batch.batchNumber,
      batchTime: batch.batchTime,
      firstOffset: decodeOffsetKey(batch.firstOffsetKey),
      lastOffset: decodeOffsetKey(batch.lastOffsetKey),
      numInputRows: records.length,
      minArrivalTime: Math.min(...records.map((record) => record.arrivalTime)),
      previousCommitAt: ledger.lastActiveAt,
      replayed,
      deadLetters: evaluation.deadLetters.length,
      durations: {
        ledger: phases.ledger,
        walCommit: phases.walCommit,
        evaluate: phases.evaluate,
        state: state.busyMs,
        outputs: phases.outputs,
        triggerExecution: this.clock.now() - phases.started,
      },
      maxEventTime: evaluation.maxEventTime,
      watermark: eventTimeClock(ledger),
      stateOperators,
    });
    await sink?.write(progress);
    return progress;
  }

  private describeSource(partition: string): string {
    return `${this.options.pipeline.sourceDescriptor.kind}[partition=${partition}]`;
  }

  /**
   * Sends a failure event for a failed attempt to the sink and the listeners; a sink or listener that
   * fails too is logged, never hides the error.
   */
  private async reportFailure(partition: string, error: unknown): Promise<void> {
    const sink = this.options.progress;
    const { pipeline, namespace } = this.options;
    const event = buildFailureEvent({
      pipeline: pipeline.name,
      namespace,
      runId: this.options.runId ?? 'unversioned',
      partition,
      time: this.clock.now(),
      errorCode: errorCodeOf(error),
      message: describeError(error),
    });
    await this.notify(partition, 'onFailure', event);
    if (sink === undefined) return;
    try {
      await sink.writeFailure(event);
    } catch (sinkError) {
      console.warn(
        JSON.stringify({
          level: 'WARN',
          message: 'failure event not recorded',
          partition,
          error: describeError(sinkError),
        }),
      );
    }
  }

  /** Indexes the panes the batch wrote (before the commit, so no fired window misses them) and keeps late data. */
  private async recordWindowProgress(
    evaluation: BatchEvaluation,
    batchId: string,
    batchNumber: number,
    partition: string,
  ): Promise<void> {
    const progress = this.options.windowProgress;
    if (progress !== undefined) {
      for (const [operatorId, panes] of evaluation.panesTouched)
        await progress.addPanes(operatorId, [...panes]);
    }
    const kept = evaluation.late.filter((late) => late.keep);
    if (kept.length === 0 || this.options.lateData === undefined) return;
    await this.options.lateData.send(
      toDeadLetterEntries(
        kept.map((late) => ({
          kind: 'element' as const,
          stage: late.operatorId,
          error: new SparklessError(
            ErrorCode.LateRecord,
            `event time ${late.eventTime} is behind every open window`,
          ),
          value: late.value,
          offsetKeys: late.offsetKeys,
        })),
        {
          pipeline: this.options.pipeline.name,
          namespace: this.options.namespace,
          batchId,
          batchNumber,
          partition,
        },
      ),
    );
  }

  /** Commits `batch`; returns the new ledger, or `undefined` when a concurrent attempt got there first. */
  private async commit(
    partition: string,
    ledger: LedgerEntry,
    batch: OpenBatch,
    outcome: BatchOutcome,
  ): Promise<LedgerEntry | undefined> {
    const batchMaxEventTime = outcome.maxEventTime;
    const committed: LedgerEntry = {
      ...ledger,
      version: ledger.version + 1,
      committedOffsetKey: batch.lastOffsetKey,
      nextBatchNumber: batch.batchNumber + 1,
      open: undefined,
      maxEventTime:
        batchMaxEventTime === undefined
          ? ledger.maxEventTime
          : Math.max(batchMaxEventTime, ledger.maxEventTime ?? Number.NEGATIVE_INFINITY),
      lastActiveAt: this.clock.now(),
      // Only a ledger that knows its whole history (its origin) can bound the arrival of what it committed.
      ...(ledger.originOffsetKey === undefined || !Number.isFinite(outcome.maxArrivalTime)
        ? {}
        : {
            maxArrivalTime: Math.max(
              outcome.maxArrivalTime,
              ledger.maxArrivalTime ?? Number.NEGATIVE_INFINITY,
            ),
          }),
    };
    if (!(await this.options.ledger.write(partition, committed, ledger.version))) return undefined;
    await this.snapshotOffsets(partition, committed);
    if (outcome.progress !== undefined) await this.notify(partition, 'onProgress', outcome.progress);
    return committed;
  }

  /**
   * Calls each listener's `onProgress` (after a commit) or `onFailure`, one after another. A listener
   * that throws is logged and counted (`ListenerFailures`) and the others still run: the batch is
   * committed, and a listener never undoes or fails it.
   */
  private async notify<K extends 'onProgress' | 'onFailure'>(
    partition: string,
    kind: K,
    event: K extends 'onProgress' ? BatchProgress : BatchFailureEvent,
  ): Promise<void> {
    for (const listener of this.options.pipeline.listeners) {
      try {
        if (kind === 'onProgress') await listener.onProgress?.(event as BatchProgress);
        else await listener.onFailure?.(event as BatchFailureEvent);
      } catch (listenerError) {
        console.warn(
          JSON.stringify({
            level: 'WARN',
            message: `progress listener ${kind} failed`,
            partition,
            ...(listener.target === undefined ? {} : { target: listener.target }),
            error: describeError(listenerError),
          }),
        );
        this.options.metrics?.recordListenerFailure?.({
          pipeline: this.options.pipeline.name,
          partition,
          time: this.clock.now(),
          callback: kind,
        });
      }
    }
  }

  private async snapshotOffsets(partition: string, ledger: LedgerEntry): Promise<void> {
    const checkpoint = this.options.checkpoint;
    if (checkpoint === undefined || ledger.committedOffsetKey === undefined) return;
    const now = this.clock.now();
    const interval = this.options.offsetsSnapshotIntervalMs ?? 60_000;
    if (now - (this.lastSnapshot.get(partition) ?? Number.NEGATIVE_INFINITY) < interval) return;
    this.lastSnapshot.set(partition, now);
    try {
      await checkpoint.saveOffsets({
        partition,
        committedOffset: decodeOffsetKey(ledger.committedOffsetKey),
        nextBatchNumber: ledger.nextBatchNumber,
        updatedAt: now,
      });
    } catch (error) {
      // The ledger is the authority and the batch is committed: a missed snapshot is retried at the next interval.
      this.lastSnapshot.delete(partition);
      console.warn(
        JSON.stringify({
          level: 'WARN',
          message: 'offsets snapshot failed',
          partition,
          error: describeError(error),
        }),
      );
    }
  }

  private result(
    partition: string,
    ledger: LedgerEntry,
    batchesCommitted: number,
    skippedRecords: number,
    deadLetters: number,
  ): PartitionResult {
    return {
      partition,
      committedOffset:
        ledger.committedOffsetKey === undefined ? undefined : decodeOffsetKey(ledger.committedOffsetKey),
      batchesCommitted,
      skippedRecords,
      deadLetters,
    };
  }
}

/** Encodes offsets, sorts by offset and drops duplicate deliveries of the same record. */
function toInputRecords(records: readonly SourceRecord[]): InputRecord[] {
  const byOffset = new Map<string, InputRecord>();
  for (const record of records) {
    const offsetKey = encodeOffsetKey(record.offset);
    if (!byOffset.has(offsetKey)) byOffset.set(offsetKey, { ...record, offsetKey });
  }
  return [...byOffset.values()].sort((a, b) => (a.offsetKey < b.offsetKey ? -1 : 1));
}
