import type { S3Event } from 'aws-lambda';
import { InvalidConfigurationError, MalformedEnvelopeError } from '../../core';
import { isJsonObject, type MalformedEnvelope, malformedEnvelope } from '../malformed-envelope';
import { decodeS3EventKey } from './object-key';
import { normalizeETag } from './object-partition';
import type { S3ObjectRef } from './types';

/** The `eventName` prefix of the notifications the text-file source reads. */
const OBJECT_CREATED = 'ObjectCreated:';

/** What an S3 event notification holds: the created objects, and the records that could not be read. */
export interface S3Delivery {
  /** The objects reported as created, in event order. */
  readonly objects: S3ObjectRef[];
  /** The records whose envelope could not be read, in event order (dead-letter them). */
  readonly malformed: MalformedEnvelope[];
}

/** Whether `event` is the `s3:TestEvent` S3 sends when a notification is configured. */
export function isS3TestEvent(event: unknown): boolean {
  return (event as { Event?: unknown } | null | undefined)?.Event === 's3:TestEvent';
}

/**
 * Reads an S3 event notification: the objects it reports as created (`ObjectCreated:*`), with
 * decoded keys (`+` is a space, `%2B` a plus), in event order. Other event types are left out; S3's
 * `s3:TestEvent`, sent when a notification is configured, yields nothing. A record without an
 * `eventName`, an `s3` object, a bucket name or a key, or whose key is not valid URL encoding, is
 * returned as {@link S3Delivery.malformed} instead of failing the whole event.
 *
 * @throws {@link InvalidConfigurationError} when the event is not an S3 notification
 * @example
 * const { objects, malformed } = parseS3Event(event);
 */
export function parseS3Event(event: S3Event): S3Delivery {
  if (isS3TestEvent(event)) return { objects: [], malformed: [] };
  if (!Array.isArray(event?.Records)) {
    throw new InvalidConfigurationError(
      'the handler received an event without Records: wire it to S3 ObjectCreated notifications of the input bucket',
    );
  }
  const objects: S3ObjectRef[] = [];
  const malformed: MalformedEnvelope[] = [];
  for (const record of event.Records as unknown[]) {
    const read = readRecord(record);
    if (read instanceof MalformedEnvelopeError) malformed.push(malformedEnvelope(record, read));
    else if (read !== undefined) objects.push(read);
  }
  return { objects, malformed };
}

/**
 * The objects of {@link parseS3Event}, leaving out malformed records.
 *
 * @throws {@link InvalidConfigurationError} when the event is not an S3 notification
 */
export function s3EventToObjects(event: S3Event): S3ObjectRef[] {
  return parseS3Event(event).objects;
}

/** The created object a record reports, `undefined` for another event type, or what is wrong with it. */
function readRecord(record: unknown): S3ObjectRef | MalformedEnvelopeError | undefined {
  if (!isJsonObject(record)) return new MalformedEnvelopeError('record', 'is not an object');
  const { eventName, eventTime, s3 } = record;
  if (typeof eventName !== 'string') return new MalformedEnvelopeError('eventName', 'is missing');
  if (!eventName.startsWith(OBJECT_CREATED)) return undefined;
  if (!isJsonObject(s3)) return new MalformedEnvelopeError('s3', 'is missing');
  const bucket = isJsonObject(s3.bucket) ? s3.bucket.name : undefined;
  if (typeof bucket !== 'string' || bucket === '')
    return new MalformedEnvelopeError('s3.bucket.name', 'is missing');
  const object = isJsonObject(s3.object) ? s3.object : {};
  if (typeof object.key !== 'string' || object.key === '')
    return new MalformedEnvelopeError('s3.object.key', 'is missing');
  let key: string;
  try {
    key = decodeS3EventKey(object.key);
  } catch (error) {
    return new MalformedEnvelopeError(
      's3.object.key',
      `is not valid URL encoding (given ${JSON.stringify(object.key)})`,
      { cause: error },
    );
  }
  const time = typeof eventTime === 'string' ? Date.parse(eventTime) : Number.NaN;
  return {
    bucket,
    key,
    eTag: typeof object.eTag === 'string' && object.eTag !== '' ? normalizeETag(object.eTag) : undefined,
    versionId: typeof object.versionId === 'string' && object.versionId !== '' ? object.versionId : undefined,
    eventTime: Number.isNaN(time) ? undefined : time,
  };
}
