import type { CheckpointManager, WriteAheadLog } from '../checkpoint';
import {
  type BatchEvaluation,
  type Clock,
  decodeOffsetKey,
  describeError,
  ErrorCode,
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
import type { DeadLetterSink } from '../sinks';
import { fireQuietly, TimeoutTimers, type WindowFirer, type WindowProgressStore } from '../windows';
import type { KeyedStateStore } from '../state';
import { printToStdout, sendDeadLetters, toDeadLetterEntries } from './dead-letters';
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

  /** Processes `records` of one partition (any order, duplicates allowed). */
  public async processPartition(
    partition: string,
    records: readonly SourceRecord[],
  ): Promise<PartitionResult> {
    const delivered = toInputRecords(records);
    const maxRetries = this.options.maxLedgerRetries ?? 20;
    let batchesCommitted = 0;
    let deadLetters = 0;
    for (let attempt = 0; attempt <= maxRetries; attempt++) {
      let ledger = await this.options.ledger.read(partition);
      if (ledger.version === 0 && this.options.windowProgress !== undefined) {
        await this.register(partition, this.options.windowProgress);
        continue;
      }
      if (ledger.open !== undefined) {
        const replay = await this.options.writeAheadLog.read(ledger.open.walKey);
        const references = await this.pinnedReferences(replay.references);
        const outcome = await this.runBatch(partition, ledger, ledger.open, replay.records, references, true);
        deadLetters += outcome.deadLetters;
        const committed = await this.commit(partition, ledger, ledger.open, outcome.maxEventTime);
        if (committed === undefined) continue;
        batchesCommitted++;
        ledger = committed;
      }
      const fresh = delivered.filter((record) => isAfter(record.offsetKey, ledger.committedOffsetKey));
      const skippedRecords = delivered.length - fresh.length;
      const first = fresh[0];
      const last = fresh[fresh.length - 1];
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
      await this.options.writeAheadLog.write(batch.walKey, fresh, references.versions, {
        after: ledger.committedOffsetKey,
      });
      const claimed: LedgerEntry = { ...ledger, version: ledger.version + 1, open: batch };
      if (!(await this.options.ledger.write(partition, claimed, ledger.version))) continue;
      const outcome = await this.runBatch(partition, claimed, batch, fresh, references, false);
      deadLetters += outcome.deadLetters;
      const committed = await this.commit(partition, claimed, batch, outcome.maxEventTime);
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
  ): Promise<{ deadLetters: number; maxEventTime: number | undefined }> {
    const { pipeline, namespace } = this.options;
    const started = this.clock.now();
    const state = new FencedStateBackend({
      store: this.options.state,
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
    await sendDeadLetters(this.options.deadLetters, evaluation.deadLetters, {
      pipeline: pipeline.name,
      namespace,
      batchId,
      batchNumber: batch.batchNumber,
      partition,
    });
    await this.recordWindowProgress(evaluation, batchId, batch.batchNumber, partition);
    await this.timers?.register(evaluation.timers);
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
    return { deadLetters: evaluation.deadLetters.length, maxEventTime: evaluation.maxEventTime };
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
    batchMaxEventTime: number | undefined,
  ): Promise<LedgerEntry | undefined> {
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
    };
    if (!(await this.options.ledger.write(partition, committed, ledger.version))) return undefined;
    await this.snapshotOffsets(partition, committed);
    return committed;
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
