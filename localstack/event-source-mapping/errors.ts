import type { KinesisInvocationRecord } from './types';

/** Stable codes of the event source mapping's errors. */
export const EventSourceMappingErrorCode = {
  InvalidConfiguration: 'ESM_INVALID_CONFIGURATION',
  KinesisRead: 'ESM_KINESIS_READ_FAILED',
  DestinationDelivery: 'ESM_DESTINATION_DELIVERY_FAILED',
  CheckpointStore: 'ESM_CHECKPOINT_STORE_FAILED',
  FunctionTimeout: 'ESM_FUNCTION_TIMEOUT',
  IdleWaitExceeded: 'ESM_IDLE_WAIT_EXCEEDED',
  ShardPoll: 'ESM_SHARD_POLL_FAILED',
  CheckpointNotInStream: 'ESM_CHECKPOINT_NOT_IN_STREAM',
} as const;
export type EventSourceMappingErrorCode =
  (typeof EventSourceMappingErrorCode)[keyof typeof EventSourceMappingErrorCode];

/** Base class of every error the event source mapping raises. */
export class EventSourceMappingError extends Error {
  /** A stable code to branch on (messages may change). */
  readonly code: EventSourceMappingErrorCode;

  constructor(message: string, code: EventSourceMappingErrorCode, options?: ErrorOptions) {
    super(message, options);
    this.name = 'EventSourceMappingError';
    this.code = code;
  }
}

/**
 * A setting is out of range or inconsistent; the message echoes the value given.
 *
 * @example
 * new InvalidEventSourceMappingConfigError('batchSize', 0, 'must be between 1 and 10000 inclusive');
 * // message: "batchSize must be between 1 and 10000 inclusive (given 0)"
 */
export class InvalidEventSourceMappingConfigError extends EventSourceMappingError {
  /** The offending property. */
  readonly property: string;
  /** The value that was given. */
  readonly given: unknown;

  constructor(property: string, given: unknown, requirement: string) {
    super(
      `${property} ${requirement} (given ${describe(given)})`,
      EventSourceMappingErrorCode.InvalidConfiguration,
    );
    this.name = 'InvalidEventSourceMappingConfigError';
    this.property = property;
    this.given = given;
  }
}

/** A Kinesis call failed; the shard is retried on the next poll. */
export class KinesisReadError extends EventSourceMappingError {
  readonly operation: 'ListShards' | 'GetShardIterator' | 'GetRecords';
  readonly shardId: string | undefined;

  constructor(operation: KinesisReadError['operation'], shardId: string | undefined, cause: unknown) {
    const where = shardId === undefined ? '' : ` for ${shardId}`;
    super(`${operation}${where} failed: ${messageOf(cause)}`, EventSourceMappingErrorCode.KinesisRead, {
      cause,
    });
    this.name = 'KinesisReadError';
    this.operation = operation;
    this.shardId = shardId;
  }
}

/** The on-failure destination rejected an invocation record; the batch is kept and the send retried. */
export class DestinationDeliveryError extends EventSourceMappingError {
  readonly record: KinesisInvocationRecord;

  constructor(record: KinesisInvocationRecord, cause: unknown) {
    super(
      `on-failure destination rejected the record for ${record.KinesisBatchInfo.shardId} ` +
        `${record.KinesisBatchInfo.startSequenceNumber}..${record.KinesisBatchInfo.endSequenceNumber}: ${messageOf(cause)}`,
      EventSourceMappingErrorCode.DestinationDelivery,
      { cause },
    );
    this.name = 'DestinationDeliveryError';
    this.record = record;
  }
}

/** The checkpoint store could not be read or written. */
export class CheckpointStoreError extends EventSourceMappingError {
  constructor(message: string, cause?: unknown) {
    super(message, EventSourceMappingErrorCode.CheckpointStore, cause === undefined ? undefined : { cause });
    this.name = 'CheckpointStoreError';
  }
}

/** The function ran longer than `functionTimeoutMs` (it may still be running). */
export class FunctionTimeoutError extends EventSourceMappingError {
  readonly timeoutMs: number;

  constructor(timeoutMs: number) {
    super(`Task timed out after ${timeoutMs} ms`, EventSourceMappingErrorCode.FunctionTimeout);
    this.name = 'FunctionTimeoutError';
    this.timeoutMs = timeoutMs;
  }
}

/** `runUntilIdle()` reached `maxPolls` before the shards went idle. */
export class IdleWaitExceededError extends EventSourceMappingError {
  readonly polls: number;

  constructor(polls: number) {
    super(`the shards were not idle after ${polls} polls`, EventSourceMappingErrorCode.IdleWaitExceeded);
    this.name = 'IdleWaitExceededError';
    this.polls = polls;
  }
}

/**
 * One shard's step (or the shard listing) failed: a Kinesis read, the on-failure destination or the checkpoint
 * store. The shard keeps its batch and retries after `retryInMs`; the other shards go on. The message is one line:
 * `shardId-000000000001: GetRecords for shardId-000000000001 failed: …; retrying in 4 s`.
 */
export class ShardPollError extends EventSourceMappingError {
  /** The failed shard; `undefined` when ListShards failed. */
  readonly shardId: string | undefined;
  /** The wait before the next attempt. */
  readonly retryInMs: number;

  constructor(shardId: string | undefined, retryInMs: number, cause: unknown) {
    const where = shardId ?? 'shard listing';
    const reason = cause instanceof EventSourceMappingError ? cause.message : messageOf(cause);
    super(
      `${where}: ${reason}; retrying in ${formatDuration(retryInMs)}`,
      EventSourceMappingErrorCode.ShardPoll,
      {
        cause,
      },
    );
    this.name = 'ShardPollError';
    this.shardId = shardId;
    this.retryInMs = retryInMs;
  }
}

/**
 * A warning, reported to `onError`: the shard's checkpoint names a sequence number the stream no longer holds
 * (kinesis-local answers `ResourceNotFoundException`), e.g. because an emulator crashed before persisting records
 * it had acknowledged. The shard resumes at the first record after the checkpoint instead of stalling.
 */
export class CheckpointNotInStreamError extends EventSourceMappingError {
  readonly shardId: string;
  /** The checkpoint's sequence number. */
  readonly sequenceNumber: string;

  constructor(shardId: string, sequenceNumber: string, cause: unknown) {
    super(
      `${shardId}: checkpoint sequence number ${sequenceNumber} is not in the stream (it lost records it had ` +
        'acknowledged, e.g. an emulator crashed before persisting them); resuming at the first record after it',
      EventSourceMappingErrorCode.CheckpointNotInStream,
      { cause },
    );
    this.name = 'CheckpointNotInStreamError';
    this.shardId = shardId;
    this.sequenceNumber = sequenceNumber;
  }
}

function formatDuration(ms: number): string {
  return ms >= 1000 ? `${Math.round(ms / 100) / 10} s` : `${ms} ms`;
}

function describe(value: unknown): string {
  if (typeof value === 'string') return JSON.stringify(value);
  if (value instanceof Date) return value.toISOString();
  return String(value);
}

function messageOf(error: unknown): string {
  return error instanceof Error ? `${error.name}: ${error.message}` : String(error);
}
