import type { KinesisClient } from '@aws-sdk/client-kinesis';
import type { Context, KinesisStreamBatchResponse, KinesisStreamEvent } from 'aws-lambda';
import type { CheckpointStore } from './checkpoint-store';
import type { Clock } from './clock';
import type { ShardPollError } from './errors';

/** Where a shard without a checkpoint starts (Lambda's `StartingPosition`). */
export const StartingPosition = {
  /** All records still retained in the shard. */
  TRIM_HORIZON: 'TRIM_HORIZON',
  /** Only records added after the mapping first reads the shard. */
  LATEST: 'LATEST',
  /** Records that arrived at or after `startingPositionTimestamp`. */
  AT_TIMESTAMP: 'AT_TIMESTAMP',
} as const;
export type StartingPosition = (typeof StartingPosition)[keyof typeof StartingPosition];

/** Why a batch was discarded (the invocation record's `requestContext.condition`). */
export const FailureCondition = {
  /** The batch failed `maximumRetryAttempts + 1` times. */
  RetryAttemptsExhausted: 'RetryAttemptsExhausted',
  /** The records are older than `maximumRecordAgeInSeconds`; they were not sent to the function. */
  RecordAgeExceeded: 'RecordAgeExceeded',
} as const;
export type FailureCondition = (typeof FailureCondition)[keyof typeof FailureCondition];

/**
 * A Lambda handler for Kinesis batches, as `@types/aws-lambda`'s `KinesisStreamHandler` without the callback.
 * With `reportBatchItemFailures` its response is read as a partial batch response; otherwise it is ignored.
 */
export type KinesisBatchHandler = (
  event: KinesisStreamEvent,
  context: Context,
) => Promise<KinesisStreamBatchResponse | void> | KinesisStreamBatchResponse | void;

/** The part of the AWS SDK v3 `KinesisClient` the mapping uses (ListShards, GetShardIterator, GetRecords). */
export type KinesisClientPort = Pick<KinesisClient, 'send'>;

/** `KinesisBatchInfo` of a Kinesis invocation record: the discarded range, not the records themselves. */
export interface KinesisBatchInfo {
  readonly shardId: string;
  readonly startSequenceNumber: string;
  readonly endSequenceNumber: string;
  /** ISO-8601 with milliseconds, e.g. `2019-11-14T00:38:04.835Z`. */
  readonly approximateArrivalOfFirstRecord: string;
  /** ISO-8601 with milliseconds. */
  readonly approximateArrivalOfLastRecord: string;
  readonly batchSize: number;
  readonly streamArn: string;
}

/**
 * The JSON document Lambda sends to a stream mapping's on-failure destination.
 *
 * @example
 * {
 *   "requestContext": { "requestId": "c9b8…", "functionArn": "arn:aws:lambda:us-east-2:123456789012:function:myfunction",
 *                       "condition": "RetryAttemptsExhausted", "approximateInvokeCount": 1 },
 *   "responseContext": { "statusCode": 200, "executedVersion": "$LATEST", "functionError": "Unhandled" },
 *   "version": "1.0",
 *   "timestamp": "2019-11-14T00:38:06.021Z",
 *   "KinesisBatchInfo": { "shardId": "shardId-000000000001", "startSequenceNumber": "4960…", "endSequenceNumber": "4960…",
 *                         "approximateArrivalOfFirstRecord": "2019-11-14T00:38:04.835Z",
 *                         "approximateArrivalOfLastRecord": "2019-11-14T00:38:05.580Z",
 *                         "batchSize": 500, "streamArn": "arn:aws:kinesis:us-east-2:123456789012:stream/mystream" }
 * }
 */
export interface KinesisInvocationRecord {
  readonly requestContext: {
    readonly requestId: string;
    readonly functionArn: string;
    readonly condition: FailureCondition;
    /** Invocations of the discarded batch; for `RecordAgeExceeded` one more than the invocations made. */
    readonly approximateInvokeCount: number;
  };
  /** Absent for `RecordAgeExceeded` (the records never reached the function in that attempt). */
  readonly responseContext?: {
    readonly statusCode: number;
    readonly executedVersion: string;
    /** `'Unhandled'` when the function threw or timed out; `null` when it returned a failure response. */
    readonly functionError: 'Unhandled' | null;
  };
  readonly version: '1.0';
  /** When the batch was discarded, ISO-8601 with milliseconds. */
  readonly timestamp: string;
  readonly KinesisBatchInfo: KinesisBatchInfo;
}

/** What the local runner knows beyond the invocation record (an S3 destination would also get the records). */
export interface OnFailureDetails {
  /** The discarded records, exactly as they were (or would have been) delivered to the function. */
  readonly event: KinesisStreamEvent;
  /** The last error of the function, if the batch failed by an error or a timeout. */
  readonly lastError?: unknown;
}

/** The on-failure destination port (SQS / SNS / S3 in AWS). A rejection keeps the batch and retries the send. */
export type OnFailureDestination = (
  record: KinesisInvocationRecord,
  details: OnFailureDetails,
) => Promise<void>;

/** Settings of a Kinesis event source mapping, named after `CreateEventSourceMapping`. */
export interface KinesisEventSourceMappingProps {
  /** The Kinesis client (AWS SDK v3) to read the stream with. */
  readonly kinesis: KinesisClientPort;
  /** The stream to read. */
  readonly streamName: string;
  /**
   * The stream's ARN, used as `eventSourceARN` and `streamArn`. Requests always name the stream by
   * `StreamName`, because some emulators do not accept `StreamARN`.
   * @default `arn:aws:kinesis:<region>:<accountId>:stream/<streamName>`
   */
  readonly streamArn?: string;
  /** The function: called once per batch, never concurrently for the same shard. */
  readonly handler: KinesisBatchHandler;
  /**
   * The function's name, used in the context, the function ARN and the default mapping id.
   * @default 'local-function'
   */
  readonly functionName?: string;
  /**
   * The region written to `awsRegion` and the ARNs.
   * @default the region of `streamArn` if given, else 'us-east-1'
   */
  readonly region?: string;
  /**
   * The account id used in the default ARNs.
   * @default the account of `streamArn` if given, else '000000000000'
   */
  readonly accountId?: string;
  /**
   * `invokeIdentityArn` of every event record (the function's execution role).
   * @default `arn:aws:iam::<accountId>:role/<functionName>-role`
   */
  readonly invokeIdentityArn?: string;
  /**
   * The key the checkpoints are stored under; two mappings on one stream need distinct ids.
   * @default `<functionName>:<streamArn>`
   */
  readonly mappingId?: string;
  /**
   * Most records per invocation (1..10000).
   * @default 100
   */
  readonly batchSize?: number;
  /**
   * Seconds to gather records before invoking (0..300). A window starts when the previous invocation of the
   * shard completes; the batch is sent when it is full, the window expires or the payload reaches 6 MB.
   * @default 0 - invoke as soon as a GetRecords call returns records
   */
  readonly maximumBatchingWindowInSeconds?: number;
  /**
   * Where a shard without a checkpoint starts.
   * @default StartingPosition.TRIM_HORIZON - unlike AWS, which has no default, so a local run sees the records
   * written before it started
   */
  readonly startingPosition?: StartingPosition;
  /**
   * Start time for `AT_TIMESTAMP` (required with it, rejected without it).
   * @default - none
   */
  readonly startingPositionTimestamp?: Date;
  /**
   * On a function error, split the batch in two halves and retry each (the split itself does not consume
   * retry attempts).
   * @default false
   */
  readonly bisectBatchOnFunctionError?: boolean;
  /**
   * Retries of a failed batch before it is discarded (0..10000, or -1 for infinite: until the records expire).
   * @default -1
   */
  readonly maximumRetryAttempts?: number;
  /**
   * Records older than this are discarded instead of being sent (60..604800, or -1 for infinite).
   * @default -1
   */
  readonly maximumRecordAgeInSeconds?: number;
  /**
   * Read the function's response as `{ batchItemFailures: [{ itemIdentifier }] }` (FunctionResponseTypes
   * `ReportBatchItemFailures`).
   * @default false - the response is ignored and only an error or a timeout fails a batch
   */
  readonly reportBatchItemFailures?: boolean;
  /**
   * The function timeout in milliseconds (1..900000). A timed-out invocation is not cancelled: like in Lambda
   * it may keep running (and writing) while the batch is retried.
   * @default 30000
   */
  readonly functionTimeoutMs?: number;
  /**
   * The on-failure destination for discarded batches.
   * @default - discarded batches are only counted in the stats
   */
  readonly onFailure?: OnFailureDestination;
  /**
   * Where the last processed sequence number of every shard is kept.
   * @default a new InMemoryCheckpointStore (nothing survives the process)
   */
  readonly checkpointStore?: CheckpointStore;
  /**
   * Milliseconds between polls of an idle shard in `start()` and `runUntilIdle()`.
   * @default 200
   */
  readonly pollIntervalMs?: number;
  /**
   * Wait before the first retry of a failed batch (a function error, a timeout, a failed first record), of a
   * failed send to the on-failure destination, and of a failed Kinesis read. Each further consecutive failure of
   * the shard doubles the wait, up to `retryBackoffMaxMs`; a success resets it. `0` retries on the next poll.
   * AWS documents that stream event source mappings retry with exponential backoff without publishing its
   * bounds; these defaults match LocalStack's.
   * @default 1000
   */
  readonly retryBackoffInitialMs?: number;
  /**
   * The longest wait between two retries of a shard (see `retryBackoffInitialMs`).
   * @default 60000
   */
  readonly retryBackoffMaxMs?: number;
  /**
   * Milliseconds between two ListShards calls (the first poll always lists the shards).
   * @default 5000
   */
  readonly shardDiscoveryIntervalMs?: number;
  /**
   * The time source (tests inject a manual clock).
   * @default systemClock
   */
  readonly clock?: Clock;
  /**
   * Called with every error of a shard or of the shard listing (a {@link ShardPollError} naming the shard, the
   * cause and the wait before the retry), from `pollOnce()`, `runUntilIdle()` and the background loop. Such errors
   * never stop the other shards or the run: the shard retries after its backoff.
   * @default - errors are counted in `stats.pollErrors` and kept in `lastError`
   */
  readonly onError?: (error: unknown) => void;
}

/** Counters since construction, for tests and progress output. */
export interface EventSourceMappingStats {
  /** Handler invocations, retries included. */
  readonly invocations: number;
  /** Records sent to the handler, redeliveries included. */
  readonly recordsDelivered: number;
  /** Records checkpointed as processed by the function. */
  readonly recordsSucceeded: number;
  /** Invocations that threw, timed out or returned a complete-failure response. */
  readonly functionErrors: number;
  /** Invocations that exceeded `functionTimeoutMs`. */
  readonly timeouts: number;
  /** Valid partial batch responses (`batchItemFailures` naming records of the batch). */
  readonly partialBatchFailures: number;
  /** Failed (sub-)batches scheduled to be sent again (bisections are counted separately). */
  readonly retries: number;
  /** Batches split in two after a function error. */
  readonly bisections: number;
  /** Invocation records handed to the on-failure destination. */
  readonly failuresSentToDestination: number;
  /** Batches discarded (retries or record age exhausted), with or without a destination. */
  readonly batchesDiscarded: number;
  /** Records in those batches. */
  readonly recordsDiscarded: number;
  /** Errors of Kinesis reads, checkpoint writes or destination sends. */
  readonly pollErrors: number;
  /** Shards currently known from ListShards. */
  readonly shards: number;
}

/** What one `pollOnce()` round did. */
export interface PollResult {
  /** Shards that took a step (those waiting for a parent shard to finish do not). */
  readonly shardsPolled: number;
  readonly recordsFetched: number;
  readonly invocations: number;
  readonly recordsDelivered: number;
  readonly failuresSentToDestination: number;
  /** Records fetched but not yet checkpointed after the round (buffered or awaiting a retry). */
  readonly pendingRecords: number;
  /** True when a GetRecords call reported `MillisBehindLatest > 0`. */
  readonly behindLatest: boolean;
  /** The shards (or the shard listing) that failed in this round, each retried after its backoff. */
  readonly errors: readonly ShardPollError[];
  /** Milliseconds until the earliest shard waiting on a retry backoff may go again (0: none is waiting). */
  readonly retryInMs: number;
}

/** Options of `runUntilIdle()`. */
export interface RunUntilIdleOptions {
  /**
   * Consecutive idle polls (nothing fetched, invoked or pending) that end the run.
   * @default 2
   */
  readonly idlePolls?: number;
  /**
   * Polls after which the run gives up with an `IdleWaitExceededError`.
   * @default - no limit
   */
  readonly maxPolls?: number;
}

/** Totals of a `runUntilIdle()` run. */
export interface RunUntilIdleResult {
  readonly polls: number;
  readonly recordsFetched: number;
  readonly invocations: number;
  readonly recordsDelivered: number;
  readonly failuresSentToDestination: number;
}

/** The state of one shard, for progress output. */
export interface ShardStatus {
  readonly shardId: string;
  /** The last sequence number processed or discarded. */
  readonly checkpoint: string | undefined;
  /** True once a closed shard has been read to its end. */
  readonly ended: boolean;
  readonly pendingRecords: number;
}
