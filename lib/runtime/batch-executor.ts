import type { CheckpointManager, WriteAheadLog } from '../checkpoint';
import {
  type Clock,
  decodeOffsetKey,
  describeError,
  ErrorCode,
  encodeOffsetKey,
  evaluateBatch,
  type InputRecord,
  isAfter,
  type Pipeline,
  type ReferenceResolver,
  type SourceRecord,
  SparklessError,
  StaticReferenceResolver,
  systemClock,
  type TextFileSink,
} from '../core';
import type { LedgerEntry, OpenBatch, PartitionLedgerStore } from '../ledger';
import type { MetricsSink } from '../metrics';
import type { DeadLetterSink } from '../sinks';
import type { KeyedStateStore } from '../state';
import { toDeadLetterEntries } from './dead-letters';
import { FencedStateBackend } from './fenced-state-backend';

/** Supplies loaded reference data; implementations cache per container and refresh on their interval. */
export interface ReferenceProvider {
  /** The reference data to use for the next batch (loads or refreshes what is due). */
  current(): Promise<ReferenceResolver>;
}

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
 * 3. log the new records, claim them as the next batch (compare-and-set on the ledger);
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

  public constructor(options: BatchExecutorOptions) {
    this.options = options;
    this.clock = options.clock ?? systemClock;
    this.print = options.print ?? ((block) => process.stdout.write(block));
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
      if (ledger.open !== undefined) {
        const replay = await this.options.writeAheadLog.read(ledger.open.walKey);
        deadLetters += await this.runBatch(partition, ledger.open, replay, true);
        const committed = await this.commit(partition, ledger, ledger.open);
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
      await this.options.writeAheadLog.write(batch.walKey, fresh);
      const claimed: LedgerEntry = { ...ledger, version: ledger.version + 1, open: batch };
      if (!(await this.options.ledger.write(partition, claimed, ledger.version))) continue;
      deadLetters += await this.runBatch(partition, batch, fresh, false);
      const committed = await this.commit(partition, claimed, batch);
      if (committed === undefined) continue;
      batchesCommitted++;
      return this.result(partition, committed, batchesCommitted, skippedRecords, deadLetters);
    }
    throw new SparklessError(
      ErrorCode.LedgerConflictRetriesExhausted,
      `partition ${partition}: the ledger changed under ${maxRetries + 1} attempts in a row; the batch will be retried`,
    );
  }

  private async runBatch(
    partition: string,
    batch: OpenBatch,
    records: readonly InputRecord[],
    replayed: boolean,
  ): Promise<number> {
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
      },
      {
        state,
        print: this.print,
        references:
          this.options.references === undefined
            ? this.staticReferences
            : await this.options.references.current(),
        ...(this.options.textFiles === undefined ? {} : { textFiles: this.options.textFiles }),
      },
    );
    if (evaluation.deadLetters.length > 0) {
      await this.options.deadLetters.send(
        toDeadLetterEntries(evaluation.deadLetters, {
          pipeline: pipeline.name,
          namespace,
          batchId,
          batchNumber: batch.batchNumber,
          partition,
        }),
      );
    }
    this.options.metrics?.record({
      pipeline: pipeline.name,
      partition,
      batchId,
      batchTime: batch.batchTime,
      records: records.length,
      deadLetters: evaluation.deadLetters.length,
      replayed,
      stateWrites: state.stats.writes,
      stateConflicts: state.stats.conflicts,
      processingTimeMs: this.clock.now() - started,
      schedulingDelayMs: Math.max(
        0,
        batch.batchTime - Math.min(...records.map((record) => record.arrivalTime)),
      ),
    });
    return evaluation.deadLetters.length;
  }

  /** Commits `batch`; returns the new ledger, or `undefined` when a concurrent attempt got there first. */
  private async commit(
    partition: string,
    ledger: LedgerEntry,
    batch: OpenBatch,
  ): Promise<LedgerEntry | undefined> {
    const committed: LedgerEntry = {
      version: ledger.version + 1,
      committedOffsetKey: batch.lastOffsetKey,
      nextBatchNumber: batch.batchNumber + 1,
      open: undefined,
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
