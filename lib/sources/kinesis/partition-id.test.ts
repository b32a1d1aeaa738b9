import { describe, expect, it } from 'vitest';
import { InvalidConfigurationError } from '../../core';
import { kinesisPartitionId, kinesisStreamIdentity } from './partition-id';

const STREAM = 'arn:aws:kinesis:us-east-2:123456789012:stream/lambda-stream';

describe('Function: kinesisPartitionId', () => {
  it('keeps the stored format: 12 hex digits of the stream ARN hash, a dot, the shard number', () => {
    // The id is a key in ledgers, fencing marks and S3 paths: changing it orphans every deployed ledger.
    expect(kinesisPartitionId(STREAM, 'shardId-000000000006')).toBe('d7022eb14f26.6');
    expect(kinesisPartitionId(STREAM, 'shardId-000000000000')).toBe('d7022eb14f26.0');
  });

  it('tells apart streams that differ only in name, account, region or AWS partition', () => {
    // Prepare
    const streams = [
      STREAM,
      'arn:aws:kinesis:us-east-2:123456789012:stream/lambda-stream-2',
      'arn:aws:kinesis:us-east-2:210987654321:stream/lambda-stream',
      'arn:aws:kinesis:eu-west-1:123456789012:stream/lambda-stream',
      'arn:aws-cn:kinesis:us-east-2:123456789012:stream/lambda-stream',
    ];

    // Act
    const ids = streams.map((stream) => kinesisPartitionId(stream, 'shardId-000000000001'));

    // Assess
    expect(new Set(ids).size).toBe(streams.length);
  });

  it('gives an enhanced fan-out consumer ARN the id of its stream (same shards, same sequence numbers)', () => {
    const consumer = `${STREAM}/consumer/sparkless:1700000000`;

    expect(kinesisStreamIdentity(consumer)).toBe(STREAM);
    expect(kinesisPartitionId(consumer, 'shardId-000000000003')).toBe(
      kinesisPartitionId(STREAM, 'shardId-000000000003'),
    );
  });

  it('is safe as an S3 key segment and a DynamoDB key, and short', () => {
    const id = kinesisPartitionId(STREAM, 'shardId-000000004095');

    expect(id).toMatch(/^[0-9a-f]{12}\.4095$/);
    expect(id.length).toBeLessThanOrEqual(17);
  });

  it('keeps a shard id of another shape whole, after an underscore, so the two shapes never collide', () => {
    expect(kinesisPartitionId(STREAM, '6')).toBe('d7022eb14f26_6');
    expect(kinesisPartitionId(STREAM, 'shardId-6x')).toBe('d7022eb14f26_shardId-6x');
  });

  it('refuses an empty stream or a shard id with characters the API does not allow', () => {
    expect(() => kinesisPartitionId('', 'shardId-000000000000')).toThrow(InvalidConfigurationError);
    expect(() => kinesisPartitionId(STREAM, 'shard/0')).toThrow(/\[A-Za-z0-9_.-\]/);
    expect(() => kinesisPartitionId(STREAM, '')).toThrow(InvalidConfigurationError);
  });
});
