import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { decodeOffsetKey } from '../core';
import {
  DynamoDbPartitionLedgerStore,
  eventTimeClock,
  type LedgerEntry,
  type PartitionLedgerStore,
} from '../ledger';
import { progressId } from './build-progress';
import { DynamoDbProgressStore } from './dynamodb-progress-store';
import type { ProgressReader } from './progress-store';
import type { BatchFailureEvent, BatchProgress } from './types';

/** What `status` and `recentProgress` read: the partition ledgers and the kept progress. */
export interface ProgressSources {
  readonly pipeline: string;
  readonly namespace: string;
  readonly ledger: Pick<PartitionLedgerStore, 'readAll'>;
  readonly progress: ProgressReader;
}

/** Where a pipeline's state table is (a deployed stack's outputs, or the local runner's names). */
export interface ProgressLocation {
  readonly dynamodb: DynamoDBClient;
  readonly stateTable: string;
  readonly namespace: string;
}

/** The {@link ProgressSources} of `pipeline` in its state table. */
export function progressSources(pipeline: string, location: ProgressLocation): ProgressSources {
  const table = { client: location.dynamodb, tableName: location.stateTable, namespace: location.namespace };
  return {
    pipeline,
    namespace: location.namespace,
    ledger: new DynamoDbPartitionLedgerStore(table),
    progress: new DynamoDbProgressStore(table),
  };
}

/** A batch claimed and not committed yet. */
export interface OpenBatchStatus {
  readonly batchId: number;
  readonly startOffset: string;
  readonly endOffset: string;
  /** ISO-8601 batch time (the claim). */
  readonly timestamp: string;
}

/** One partition's position, from its ledger. */
export interface PartitionStatus {
  readonly partition: string;
  /** The last committed offset (records at or below it are done); absent before the first commit. */
  readonly committedOffset?: string;
  /** Batches committed so far (the next batch's id). */
  readonly batchesCommitted: number;
  /** The batch an attempt claimed and has not committed: being processed, or failed and waiting for its retry. */
  readonly openBatch?: OpenBatchStatus;
  /** ISO-8601 event-time clock (latest committed event time, or the idle floor): windows up to it, less their allowed lateness, are closed. */
  readonly watermark?: string;
  /** ISO-8601 time of the last commit (or registration). */
  readonly lastActiveAt?: string;
  /** The partition's latest recorded failure, if still kept. */
  readonly lastFailure?: BatchFailureEvent;
  /** True when that failure came after the last commit: the partition is blocked until a retry succeeds. */
  readonly failing: boolean;
}

/** A pipeline's status: Spark's `StreamingQueryStatus` fields, plus every partition's position. */
export interface PipelineStatus {
  /** As in {@link BatchProgress.id}. */
  readonly id: string;
  /** What the pipeline is doing, in words. */
  readonly message: string;
  /** True when some partition holds records not committed yet: an open batch, or a failure after the last commit. */
  readonly isDataAvailable: boolean;
  /** True when some partition has an open batch (claimed, not committed). */
  readonly isTriggerActive: boolean;
  readonly partitions: readonly PartitionStatus[];
}

/**
 * The pipeline's status (Spark's `query.status`), from the partition ledgers (one `Query`) and the
 * failure events (one `Query`). Lambda runs batches, so "active" means a batch is claimed and not
 * committed.
 */
export async function status(sources: ProgressSources): Promise<PipelineStatus> {
  const [ledgers, failures] = await Promise.all([sources.ledger.readAll(), sources.progress.failures()]);
  const failureOf = new Map(failures.map((failure) => [failure.partition, failure]));
  const partitions = [...ledgers]
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([partition, ledger]) => partitionStatus(partition, ledger, failureOf.get(partition)));
  const failing = partitions.filter((partition) => partition.failing);
  const active = partitions.filter((partition) => partition.openBatch !== undefined);
  return {
    id: progressId(sources.pipeline, sources.namespace),
    message: messageOf(partitions.length, active.length, failing),
    isDataAvailable: active.length > 0 || failing.length > 0,
    isTriggerActive: active.length > 0,
    partitions,
  };
}

/** Partitions read at once by {@link recentProgress}. */
const READ_CONCURRENCY = 8;

/**
 * The `n` most recent progress records across partitions (Spark's `query.recentProgress`), oldest
 * first. One `Query` reads the ledgers; then partitions are read (one `Query` each, `Limit` n) from
 * the most recently active on, and reading stops once no partition left can hold a newer record
 * than the n found: a batch's time is never after its partition's last commit (or its open claim).
 * So a text-file source with thousands of partitions (one per object version) costs about n reads.
 */
export async function recentProgress(sources: ProgressSources, n: number): Promise<BatchProgress[]> {
  if (n <= 0) return [];
  const partitions = [...(await sources.ledger.readAll())]
    .map(([partition, ledger]) => ({ partition, latest: latestBatchTime(ledger) }))
    .sort((a, b) => b.latest - a.latest);
  let found: BatchProgress[] = [];
  for (let start = 0; start < partitions.length; start += READ_CONCURRENCY) {
    const next = partitions[start];
    const nth = found[n - 1];
    if (next === undefined || (nth !== undefined && Date.parse(nth.timestamp) >= next.latest)) break;
    const chunk = partitions.slice(start, start + READ_CONCURRENCY);
    const read = await Promise.all(chunk.map(({ partition }) => sources.progress.recent(partition, n)));
    found = [...found, ...read.flat()].sort(newestFirst).slice(0, n);
  }
  return found.reverse();
}

/** An upper bound of the batch times of a partition's records: its last commit, or its open claim if later. */
function latestBatchTime(ledger: LedgerEntry): number {
  const committed = ledger.lastActiveAt ?? Number.POSITIVE_INFINITY;
  return Math.max(committed, ledger.open?.batchTime ?? Number.NEGATIVE_INFINITY);
}

function newestFirst(a: BatchProgress, b: BatchProgress): number {
  if (a.timestamp !== b.timestamp) return a.timestamp < b.timestamp ? 1 : -1;
  if (a.partition !== b.partition) return a.partition < b.partition ? 1 : -1;
  return b.batchId - a.batchId;
}

function partitionStatus(
  partition: string,
  ledger: LedgerEntry,
  failure: BatchFailureEvent | undefined,
): PartitionStatus {
  const clock = eventTimeClock(ledger);
  const open = ledger.open;
  return {
    partition,
    ...(ledger.committedOffsetKey === undefined
      ? {}
      : { committedOffset: decodeOffsetKey(ledger.committedOffsetKey) }),
    batchesCommitted: ledger.nextBatchNumber,
    ...(open === undefined
      ? {}
      : {
          openBatch: {
            batchId: open.batchNumber,
            startOffset: decodeOffsetKey(open.firstOffsetKey),
            endOffset: decodeOffsetKey(open.lastOffsetKey),
            timestamp: new Date(open.batchTime).toISOString(),
          },
        }),
    ...(Number.isFinite(clock) ? { watermark: new Date(clock).toISOString() } : {}),
    ...(ledger.lastActiveAt === undefined
      ? {}
      : { lastActiveAt: new Date(ledger.lastActiveAt).toISOString() }),
    ...(failure === undefined ? {} : { lastFailure: failure }),
    failing:
      failure !== undefined &&
      (ledger.lastActiveAt === undefined || Date.parse(failure.timestamp) > ledger.lastActiveAt),
  };
}

function messageOf(partitions: number, active: number, failing: readonly PartitionStatus[]): string {
  const first = failing[0]?.lastFailure;
  if (first !== undefined) {
    return `Retrying failed batches on ${failing.length} of ${partitions} partition(s): ${first.partition} failed with ${first.errorCode} at ${first.timestamp}`;
  }
  if (partitions === 0) return 'Waiting for the first batch';
  if (active > 0) return `Processing new data on ${active} of ${partitions} partition(s)`;
  return 'Waiting for data to arrive';
}
