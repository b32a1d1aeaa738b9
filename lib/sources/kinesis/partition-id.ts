import { createHash } from 'node:crypto';
import { InvalidConfigurationError } from '../../core';

/**
 * The format of Kinesis partition ids, as the metadata checkpoint records it.
 *
 * - `shard-id`: the shard id alone (`shardId-000000000006`), written before partitions were
 *   identified by stream; two streams feeding one function shared ledgers.
 * - `stream-shard`: {@link kinesisPartitionId}, stream and shard.
 */
export const KinesisPartitionIdFormat = {
  ShardId: 'shard-id',
  StreamShard: 'stream-shard',
} as const;

/** One of the {@link KinesisPartitionIdFormat} values. */
export type KinesisPartitionIdFormat =
  (typeof KinesisPartitionIdFormat)[keyof typeof KinesisPartitionIdFormat];

/** Hex digits of the stream hash in a partition id: 48 bits. */
const STREAM_HASH_HEX_DIGITS = 12;

/** `arn:<partition>:kinesis:<region>:<account>:stream/<name>`, optionally followed by `/consumer/<consumer>:<time>` (enhanced fan-out). */
const STREAM_ARN =
  /^(arn:[a-z0-9-]+:kinesis:[a-z0-9-]+:\d{12}:stream\/[A-Za-z0-9_.-]{1,128})(?:\/consumer\/.+)?$/;

/** Shard ids Kinesis assigns: `shardId-` and 12 digits. */
const STANDARD_SHARD_ID = /^shardId-(\d{1,20})$/;

/** Any shard id the Kinesis API allows (`[a-zA-Z0-9_.-]+`, up to 128 characters). */
const SHARD_ID = /^[A-Za-z0-9_.-]{1,128}$/;

/** Whether `shardId` is a shard id the Kinesis API allows (`[a-zA-Z0-9_.-]`, 1 to 128 characters). */
export function isShardId(shardId: string): boolean {
  return SHARD_ID.test(shardId);
}

/**
 * The stream a record comes from, as the hashed part of its partition id: the stream ARN when
 * `eventSourceArn` is one (an enhanced fan-out consumer ARN counts as its stream: same shards, same
 * sequence numbers), else the string as given (sample events carry placeholders such as
 * `arn:aws:kinesis:EXAMPLE`).
 */
export function kinesisStreamIdentity(eventSourceArn: string): string {
  return STREAM_ARN.exec(eventSourceArn)?.[1] ?? eventSourceArn;
}

/**
 * The partition id of a Kinesis shard: `<stream hash>.<shard number>`, e.g. `3f0c9a1be27d.6` for
 * `shardId-000000000006` of `arn:aws:kinesis:us-east-2:123456789012:stream/lambda-stream`.
 *
 * The one place that names Kinesis partitions: the handler, the local runner and recovery all use it.
 * The id is the key of the partition's ledger, of its fencing marks in every state item it wrote, a
 * path segment of its write-ahead log, dead letters and offset snapshots in S3, and the first part of
 * its batch ids (`<partition>/<n>`). So it is:
 *
 * - **unique across the streams a function can read**: the stream hash covers the whole stream ARN
 *   (AWS partition, region, account and name), because one function may read several streams, in
 *   several accounts (cross-account event source mappings exist) and, through different functions
 *   sharing a namespace, regions;
 * - **short**: 12 hex digits of SHA-256 (48 bits: two given streams collide with odds of about 4·10^-15) and
 *   the shard number without `shardId-` and leading zeros, 14 characters for a typical shard;
 * - **safe** in S3 keys (only `0-9 a-f . _` and the shard id's own `[A-Za-z0-9_.-]`, no `/`) and
 *   DynamoDB.
 *
 * A shard id of another shape than `shardId-<digits>` (no Kinesis service assigns one, but the API
 * allows `[a-zA-Z0-9_.-]{1,128}`) is kept whole after `_`, so ids never collide across the two
 * shapes. A stream deleted and recreated under the same name has the same ARN and so the same id:
 * see `BatchExecutor`'s history check.
 *
 * @throws {@link InvalidConfigurationError} when `eventSourceArn` is empty or `shardId` is not a shard id
 * @example
 * kinesisPartitionId('arn:aws:kinesis:us-east-2:123456789012:stream/lambda-stream', 'shardId-000000000006');
 * // => '<12 hex digits>.6'
 */
export function kinesisPartitionId(eventSourceArn: string, shardId: string): string {
  if (eventSourceArn === '') {
    throw new InvalidConfigurationError(
      'a Kinesis partition id needs the stream ARN (given an empty string)',
    );
  }
  if (!isShardId(shardId)) {
    throw new InvalidConfigurationError(
      `a Kinesis shard id has 1 to 128 characters of [A-Za-z0-9_.-] (given ${JSON.stringify(shardId)})`,
    );
  }
  const hash = createHash('sha256')
    .update(kinesisStreamIdentity(eventSourceArn))
    .digest('hex')
    .slice(0, STREAM_HASH_HEX_DIGITS);
  const standard = STANDARD_SHARD_ID.exec(shardId);
  return standard?.[1] === undefined ? `${hash}_${shardId}` : `${hash}.${BigInt(standard[1]).toString()}`;
}
