import type { KinesisStreamEvent, KinesisStreamRecord } from 'aws-lambda';
import { InvalidConfigurationError, type SourceRecord } from '../../core';

/**
 * Decodes a Lambda Kinesis event into source records grouped by shard, in delivery order.
 * The shard is the part of `eventID` before the colon (`shardId-000000000000:4959…`).
 */
export function kinesisEventToRecords(event: KinesisStreamEvent): Map<string, SourceRecord[]> {
  if (!Array.isArray(event?.Records)) {
    throw new InvalidConfigurationError(
      'the handler received an event without Records: wire it to a Kinesis event source mapping',
    );
  }
  const byShard = new Map<string, SourceRecord[]>();
  for (const record of event.Records) {
    const source = toSourceRecord(record);
    const records = byShard.get(source.partition) ?? [];
    records.push(source);
    byShard.set(source.partition, records);
  }
  return byShard;
}

/**
 * The partition id of a Kinesis shard: what the handler keys ledgers, fencing marks and the
 * write-ahead log by. Every place that names a shard's partition (the handler, `sparkless recover`
 * reading an on-failure record) builds it here.
 *
 * @param _streamArn - the stream's ARN (not part of the id yet)
 * @param shardId - the shard id, e.g. `shardId-000000000000`
 */
export function kinesisPartitionId(_streamArn: string, shardId: string): string {
  return shardId;
}

function toSourceRecord(record: KinesisStreamRecord): SourceRecord {
  const separator = record.eventID.indexOf(':');
  const bytes = Buffer.from(record.kinesis.data, 'base64');
  return {
    partition:
      separator > 0
        ? kinesisPartitionId(record.eventSourceARN, record.eventID.slice(0, separator))
        : record.eventSourceARN,
    offset: record.kinesis.sequenceNumber,
    key: record.kinesis.partitionKey,
    value: new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.length),
    arrivalTime: Math.round(record.kinesis.approximateArrivalTimestamp * 1000),
  };
}
