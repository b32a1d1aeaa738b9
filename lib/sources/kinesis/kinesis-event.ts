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

function toSourceRecord(record: KinesisStreamRecord): SourceRecord {
  const separator = record.eventID.indexOf(':');
  const bytes = Buffer.from(record.kinesis.data, 'base64');
  return {
    partition: separator > 0 ? record.eventID.slice(0, separator) : record.eventSourceARN,
    offset: record.kinesis.sequenceNumber,
    key: record.kinesis.partitionKey,
    value: new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.length),
    arrivalTime: Math.round(record.kinesis.approximateArrivalTimestamp * 1000),
  };
}
