import type { _Record } from '@aws-sdk/client-kinesis';
import type { KinesisStreamEvent, KinesisStreamRecord } from 'aws-lambda';
import { KinesisEventConstants } from './constants';

/** The per-mapping, per-shard fields Lambda adds to every record. */
export interface EventRecordEnvelope {
  readonly shardId: string;
  readonly streamArn: string;
  readonly awsRegion: string;
  readonly invokeIdentityArn: string;
}

/** A record read from a shard, already in its event form, with what batching needs to know about it. */
export interface FetchedRecord {
  readonly sequenceNumber: string;
  /** `ApproximateArrivalTimestamp` in epoch milliseconds. */
  readonly arrivalMs: number;
  readonly eventRecord: KinesisStreamRecord;
  /** UTF-8 bytes of the record in the serialized event. */
  readonly eventBytes: number;
}

/** Bytes of `{"Records":[` and `]}` around the records of a serialized event. */
const EVENT_ENVELOPE_BYTES = Buffer.byteLength('{"Records":[]}');

/**
 * Builds the event record exactly as Lambda does: base64 data, arrival time in (fractional) epoch seconds,
 * `eventID` = `<shardId>:<sequenceNumber>`.
 *
 * @example
 * toKinesisStreamRecord(record, { shardId: 'shardId-000000000006', streamArn, awsRegion: 'us-east-2', invokeIdentityArn })
 * // { kinesis: { kinesisSchemaVersion: '1.0', partitionKey: '1', sequenceNumber: '4959…', data: 'SGVsbG8=',
 * //              approximateArrivalTimestamp: 1545084650.987 }, eventSource: 'aws:kinesis', eventVersion: '1.0',
 * //   eventID: 'shardId-000000000006:4959…', eventName: 'aws:kinesis:record', invokeIdentityArn, awsRegion, eventSourceARN }
 */
export function toKinesisStreamRecord(
  record: _Record,
  envelope: EventRecordEnvelope,
  fallbackArrivalMs: number,
): KinesisStreamRecord {
  const sequenceNumber = record.SequenceNumber ?? '';
  const arrivalMs = record.ApproximateArrivalTimestamp?.getTime() ?? fallbackArrivalMs;
  return {
    kinesis: {
      kinesisSchemaVersion: KinesisEventConstants.kinesisSchemaVersion,
      partitionKey: record.PartitionKey ?? '',
      sequenceNumber,
      data: Buffer.from(record.Data ?? new Uint8Array()).toString('base64'),
      approximateArrivalTimestamp: arrivalMs / 1000,
    },
    eventSource: KinesisEventConstants.eventSource,
    eventVersion: KinesisEventConstants.eventVersion,
    eventID: `${envelope.shardId}:${sequenceNumber}`,
    eventName: KinesisEventConstants.eventName,
    invokeIdentityArn: envelope.invokeIdentityArn,
    awsRegion: envelope.awsRegion,
    eventSourceARN: envelope.streamArn,
  };
}

/** Converts a GetRecords record into a {@link FetchedRecord}. */
export function toFetchedRecord(
  record: _Record,
  envelope: EventRecordEnvelope,
  fetchedAtMs: number,
): FetchedRecord {
  const eventRecord = toKinesisStreamRecord(record, envelope, fetchedAtMs);
  return {
    sequenceNumber: eventRecord.kinesis.sequenceNumber,
    arrivalMs: record.ApproximateArrivalTimestamp?.getTime() ?? fetchedAtMs,
    eventRecord,
    eventBytes: Buffer.byteLength(JSON.stringify(eventRecord)),
  };
}

/** The event for one invocation; records are copied so a handler that mutates its event cannot alter a retry. */
export function buildKinesisEvent(records: readonly FetchedRecord[]): KinesisStreamEvent {
  return { Records: records.map((record) => structuredClone(record.eventRecord)) };
}

/**
 * How many leading records fit in one event: at most `batchSize` records and at most `payloadLimitBytes` of
 * serialized event (always at least one record, so an oversized record still moves).
 */
export function countRecordsThatFit(
  records: readonly FetchedRecord[],
  batchSize: number,
  payloadLimitBytes: number,
): number {
  let bytes = EVENT_ENVELOPE_BYTES;
  let count = 0;
  for (const record of records) {
    if (count >= batchSize) break;
    const next = bytes + record.eventBytes + (count === 0 ? 0 : 1);
    if (count > 0 && next > payloadLimitBytes) break;
    bytes = next;
    count += 1;
  }
  return count;
}
