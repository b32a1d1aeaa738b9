import type { S3Event } from 'aws-lambda';
import type { WriteAheadLog } from '../checkpoint';
import { describeError, encodeOffsetKey, type Pipeline, SourceKind } from '../core';
import type { PartitionLedgerStore } from '../ledger';
import type { BatchExecutor } from '../runtime';
import { kinesisPartitionId } from '../sources';
import { type DiscardedKinesisRange, parseFailureRecord } from './failure-records';
import type { FailureMessage, OnFailureDestination } from './on-failure-destination';
import { offsetsClaimedByPartition } from './partition-claims';
import { recoveryPartitionId } from './recovery-partition';
import type { StreamRangeReader } from './stream-range-reader';

/** What became of one on-failure message. */
export const RecoveryStatus = {
  /** Everything it pointed to is committed; the message is marked done. */
  Recovered: 'recovered',
  /** Some of its records expired from the stream and cannot be recovered; the message is kept. */
  Expired: 'expired',
  /** Recovery failed (see `error`); the message is kept for the next run. */
  Failed: 'failed',
} as const;

/** One of the {@link RecoveryStatus} values. */
export type RecoveryStatus = (typeof RecoveryStatus)[keyof typeof RecoveryStatus];

/** The outcome of one on-failure message. */
export interface RecoveredMessage {
  /** The message id (SQS) or object key (S3). */
  readonly id: string;
  readonly status: RecoveryStatus;
  /** The discarded range, for a Kinesis message. @default absent for S3 events and unreadable messages */
  readonly range?: DiscardedKinesisRange;
  /** The partition the range was recovered as. @default absent for S3 events and unreadable messages */
  readonly recoveryPartition?: string;
  /** Records of the range the main partition had already processed (skipped by recover). */
  readonly alreadyProcessed: number;
  /** Records processed by this run. */
  readonly processed: number;
  /** Records committed by an earlier run of recover (skipped). */
  readonly previouslyRecovered: number;
  /** Records of the range no longer in the stream: lost. */
  readonly expired: number;
  /** Why recovery failed. @default absent unless `status` is `failed` */
  readonly error?: string;
}

/** What a run of recover did. */
export interface RecoveryReport {
  readonly messages: readonly RecoveredMessage[];
  /** Records processed by this run, over all messages. */
  readonly processed: number;
  /** Records lost to the stream's retention, over all messages. */
  readonly expired: number;
  /** Messages that failed. */
  readonly failed: number;
  /** True when every message was recovered (nothing expired, nothing failed). */
  readonly ok: boolean;
}

/** What {@link recoverDiscarded} runs against. */
export interface RecoveryPorts {
  readonly pipeline: Pipeline;
  /** The pipeline's executor, wired like the handler's. */
  readonly executor: BatchExecutor;
  /** The ledger and write-ahead log the executor uses. */
  readonly ledger: PartitionLedgerStore;
  readonly writeAheadLog: WriteAheadLog;
  /** Where the discarded batches or events are. */
  readonly destination: OnFailureDestination;
  /** Reads discarded ranges back from the stream (Kinesis pipelines). @default none: Kinesis messages fail */
  readonly streams?: StreamRangeReader;
  /** Runs one S3 event through the pipeline's S3 handler (text-file pipelines). @default none: S3 events fail */
  readonly s3Events?: (event: S3Event) => Promise<unknown>;
  /** Progress lines. @default none */
  readonly log?: (line: string) => void;
}

const NOTHING = { alreadyProcessed: 0, processed: 0, previouslyRecovered: 0, expired: 0 } as const;

/**
 * Processes every batch (or S3 event) Lambda discarded to the pipeline's on-failure destination,
 * exactly once, then marks its message done.
 *
 * For a Kinesis range: the main partition's open claim is finished first (as its next delivery
 * would); the range is read back from the stream; the records the main partition claimed are left
 * out (see {@link offsetsClaimedByPartition}); the rest run through the executor as the range's own
 * recovery partition ({@link recoveryPartitionId}), whose ledger makes a re-run, or a run after a
 * crash, skip what was committed and replay a half-done batch from its log. Records no longer in the
 * stream are counted as expired and the message is kept. For an S3 event: the event runs through the
 * S3 handler again; the ledger per file version skips what was committed.
 */
export async function recoverDiscarded(ports: RecoveryPorts): Promise<RecoveryReport> {
  const messages: RecoveredMessage[] = [];
  for (const message of await ports.destination.receive()) {
    let outcome: RecoveredMessage;
    try {
      outcome = await recoverMessage(ports, message);
    } catch (error) {
      outcome = { id: message.id, status: RecoveryStatus.Failed, ...NOTHING, error: describeError(error) };
    }
    if (outcome.status === RecoveryStatus.Recovered) await ports.destination.done(message);
    ports.log?.(describeOutcome(outcome));
    messages.push(outcome);
  }
  const processed = messages.reduce((sum, message) => sum + message.processed, 0);
  const expired = messages.reduce((sum, message) => sum + message.expired, 0);
  const failed = messages.filter((message) => message.status === RecoveryStatus.Failed).length;
  return { messages, processed, expired, failed, ok: expired === 0 && failed === 0 };
}

async function recoverMessage(ports: RecoveryPorts, message: FailureMessage): Promise<RecoveredMessage> {
  const record = parseFailureRecord(message.id, message.body);
  const source = ports.pipeline.sourceDescriptor.kind;
  if (record.kind === 's3-event') {
    if (source !== SourceKind.TextFiles || ports.s3Events === undefined) {
      throw new Error(`an S3 event cannot be recovered by ${source} pipeline ${ports.pipeline.name}`);
    }
    await ports.s3Events(record.event);
    return { id: message.id, status: RecoveryStatus.Recovered, ...NOTHING };
  }
  if (source !== SourceKind.Kinesis || ports.streams === undefined) {
    throw new Error(`a Kinesis range cannot be recovered by ${source} pipeline ${ports.pipeline.name}`);
  }
  return recoverRange(ports, ports.streams, message.id, record.range);
}

async function recoverRange(
  ports: RecoveryPorts,
  streams: StreamRangeReader,
  id: string,
  range: DiscardedKinesisRange,
): Promise<RecoveredMessage> {
  const main = kinesisPartitionId(range.streamArn, range.shardId);
  const recoveryPartition = recoveryPartitionId(main, range.startSequenceNumber);
  // Finish the main partition's open claim, as its next delivery would: its records are its own.
  if ((await ports.ledger.read(main)).open !== undefined) await ports.executor.processPartition(main, []);
  const found = await streams.read(range, recoveryPartition);
  const claimed = await offsetsClaimedByPartition(
    ports,
    main,
    encodeOffsetKey(range.startSequenceNumber),
    encodeOffsetKey(range.endSequenceNumber),
  );
  const unclaimed = found.filter((record) => !claimed.has(encodeOffsetKey(record.offset)));
  const result = await ports.executor.processPartition(recoveryPartition, unclaimed);
  const expired = Math.max(0, range.batchSize - found.length);
  return {
    id,
    status: expired === 0 ? RecoveryStatus.Recovered : RecoveryStatus.Expired,
    range,
    recoveryPartition,
    alreadyProcessed: found.length - unclaimed.length,
    processed: unclaimed.length - result.skippedRecords,
    previouslyRecovered: result.skippedRecords,
    expired,
  };
}

function describeOutcome(outcome: RecoveredMessage): string {
  const where =
    outcome.range === undefined
      ? outcome.id
      : `${outcome.range.shardId} ${outcome.range.startSequenceNumber}..${outcome.range.endSequenceNumber}`;
  switch (outcome.status) {
    case RecoveryStatus.Recovered:
      return `recovered ${where}: ${outcome.processed} processed, ${outcome.alreadyProcessed} already processed by the pipeline, ${outcome.previouslyRecovered} by an earlier recover`;
    case RecoveryStatus.Expired:
      return `PARTLY LOST ${where}: ${outcome.expired} records expired from the stream and cannot be recovered; ${outcome.processed} processed; the message is kept`;
    default:
      return `FAILED ${where}: ${outcome.error ?? 'unknown error'}; the message is kept, run recover again once fixed`;
  }
}
