import { InvalidConfigurationError, MalformedEnvelopeError, type SourceRecord } from '../../core';
import { isJsonObject, type MalformedEnvelope, malformedEnvelope } from '../malformed-envelope';
import { isShardId, kinesisPartitionId } from './partition-id';
import { decodeStrictBase64 } from './strict-base64';

/** One shard's records of a Lambda Kinesis event, in delivery order. */
export interface KinesisShardDelivery {
  /** The partition id ({@link kinesisPartitionId} of the stream and shard). */
  readonly partition: string;
  /** The record's `eventSourceARN` as delivered. */
  readonly eventSourceArn: string;
  /** The shard id (the part of `eventID` before the colon). */
  readonly shardId: string;
  /** The shard's well-formed records. */
  readonly records: SourceRecord[];
}

/** What a Lambda Kinesis event holds: well-formed records by shard, and the records that are not. */
export interface KinesisDelivery {
  /** Per shard, its well-formed records, in order of first appearance. */
  readonly shards: KinesisShardDelivery[];
  /** The records whose envelope could not be read, in event order. */
  readonly malformed: MalformedEnvelope[];
}

/** A Kinesis sequence number as the API defines it: `0|([1-9]\d{0,128})`. */
const SEQUENCE_NUMBER = /^(0|[1-9]\d{0,128})$/;

/**
 * Reads a Lambda Kinesis event. Each record must carry `eventSourceARN`, an `eventID` of the form
 * `<shardId>:<sequenceNumber>`, and a `kinesis` object with a decimal `sequenceNumber` equal to the
 * one in `eventID`, strict base64 `data` (see {@link decodeStrictBase64}) and a numeric
 * `approximateArrivalTimestamp` (seconds). Records that do not are returned as
 * {@link KinesisDelivery.malformed}, never thrown: one bad envelope must not block its shard.
 *
 * @throws {@link InvalidConfigurationError} when the event has no `Records` array
 * @example
 * const { shards, malformed } = parseKinesisEvent(event);
 */
export function parseKinesisEvent(event: unknown): KinesisDelivery {
  const records = (event as { Records?: unknown } | null | undefined)?.Records;
  if (!Array.isArray(records)) {
    throw new InvalidConfigurationError(
      'the handler received an event without Records: wire it to a Kinesis event source mapping',
    );
  }
  const shards = new Map<string, KinesisShardDelivery>();
  const malformed: MalformedEnvelope[] = [];
  // An event holds one shard's records (Lambda batches per shard): hash its stream ARN once.
  const partitionIds = new Map<string, string>();
  const partitionOf = (eventSourceArn: string, shardId: string): string => {
    const key = `${shardId} ${eventSourceArn}`;
    let id = partitionIds.get(key);
    if (id === undefined) {
      id = kinesisPartitionId(eventSourceArn, shardId);
      partitionIds.set(key, id);
    }
    return id;
  };
  for (const record of records) {
    const read = readRecord(record, partitionOf);
    if ('error' in read) {
      malformed.push(malformedEnvelope(record, read.error, read));
      continue;
    }
    const shard = shards.get(read.partition) ?? {
      partition: read.partition,
      eventSourceArn: read.eventSourceArn,
      shardId: read.shardId,
      records: [],
    };
    shard.records.push(read.record);
    shards.set(read.partition, shard);
  }
  return { shards: [...shards.values()], malformed };
}

type ReadRecord =
  | {
      readonly partition: string;
      readonly eventSourceArn: string;
      readonly shardId: string;
      readonly record: SourceRecord;
    }
  | { readonly error: MalformedEnvelopeError; readonly partition?: string; readonly offset?: string };

function readRecord(
  record: unknown,
  partitionOf: (eventSourceArn: string, shardId: string) => string,
): ReadRecord {
  if (!isJsonObject(record)) return { error: new MalformedEnvelopeError('record', 'is not an object') };
  const { eventSourceARN, eventID, kinesis } = record;
  if (typeof eventSourceARN !== 'string' || eventSourceARN === '') {
    return { error: new MalformedEnvelopeError('eventSourceARN', 'is missing: the stream cannot be told') };
  }
  if (typeof eventID !== 'string') {
    return { error: new MalformedEnvelopeError('eventID', 'is missing: the shard cannot be told') };
  }
  const separator = eventID.indexOf(':');
  const shardId = eventID.slice(0, Math.max(separator, 0));
  if (!isShardId(shardId)) {
    return {
      error: new MalformedEnvelopeError(
        'eventID',
        `is not <shardId>:<sequenceNumber> (given ${JSON.stringify(eventID)}): the shard cannot be told`,
      ),
    };
  }
  const partition = partitionOf(eventSourceARN, shardId);
  if (!isJsonObject(kinesis))
    return { error: new MalformedEnvelopeError('kinesis', 'is missing'), partition };
  const { sequenceNumber, data, approximateArrivalTimestamp, partitionKey } = kinesis;
  if (typeof sequenceNumber !== 'string' || !SEQUENCE_NUMBER.test(sequenceNumber)) {
    return {
      error: new MalformedEnvelopeError(
        'kinesis.sequenceNumber',
        `is not a decimal sequence number (given ${JSON.stringify(sequenceNumber)})`,
      ),
      partition,
    };
  }
  if (eventID.slice(separator + 1) !== sequenceNumber) {
    return {
      error: new MalformedEnvelopeError(
        'eventID',
        `names another sequence number than kinesis.sequenceNumber ${sequenceNumber} (given ${JSON.stringify(eventID)})`,
      ),
      partition,
    };
  }
  const position = { partition, offset: sequenceNumber };
  if (typeof data !== 'string')
    return { error: new MalformedEnvelopeError('kinesis.data', 'is missing'), ...position };
  const value = decodeStrictBase64(data);
  if (value === undefined) {
    return {
      error: new MalformedEnvelopeError(
        'kinesis.data',
        'is not strict base64 (standard alphabet, = padding, no whitespace)',
      ),
      ...position,
    };
  }
  if (typeof approximateArrivalTimestamp !== 'number' || !Number.isFinite(approximateArrivalTimestamp)) {
    return {
      error: new MalformedEnvelopeError('kinesis.approximateArrivalTimestamp', 'is not a number of seconds'),
      ...position,
    };
  }
  if (partitionKey !== undefined && typeof partitionKey !== 'string') {
    return { error: new MalformedEnvelopeError('kinesis.partitionKey', 'is not a string'), ...position };
  }
  return {
    partition,
    eventSourceArn: eventSourceARN,
    shardId,
    record: {
      partition,
      offset: sequenceNumber,
      key: partitionKey,
      value,
      arrivalTime: Math.round(approximateArrivalTimestamp * 1000),
    },
  };
}
