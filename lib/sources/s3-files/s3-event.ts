import type { S3Event } from 'aws-lambda';
import { InvalidConfigurationError } from '../../core';
import { decodeS3EventKey } from './object-key';
import { normalizeETag } from './object-partition';
import type { S3ObjectRef } from './types';

/** The `eventName` prefix of the notifications the text-file source reads. */
const OBJECT_CREATED = 'ObjectCreated:';

/**
 * The objects an S3 event notification reports as created (`ObjectCreated:*`), with decoded keys
 * (`+` is a space, `%2B` a plus), in event order. Other event types are left out; S3's
 * `s3:TestEvent`, sent when a notification is configured, yields no object.
 *
 * @throws {@link InvalidConfigurationError} when the event is not an S3 notification
 * @throws {@link InvalidObjectKeyError} when a key is not valid URL encoding
 */
export function s3EventToObjects(event: S3Event): S3ObjectRef[] {
  if ((event as { Event?: unknown } | undefined)?.Event === 's3:TestEvent') return [];
  if (!Array.isArray(event?.Records)) {
    throw new InvalidConfigurationError(
      'the handler received an event without Records: wire it to S3 ObjectCreated notifications of the input bucket',
    );
  }
  const objects: S3ObjectRef[] = [];
  for (const record of event.Records) {
    if (typeof record?.eventName !== 'string' || !record.eventName.startsWith(OBJECT_CREATED)) continue;
    const { bucket, object } = record.s3;
    const eventTime = Date.parse(record.eventTime);
    objects.push({
      bucket: bucket.name,
      key: decodeS3EventKey(object.key),
      eTag: typeof object.eTag === 'string' && object.eTag !== '' ? normalizeETag(object.eTag) : undefined,
      versionId:
        typeof object.versionId === 'string' && object.versionId !== '' ? object.versionId : undefined,
      eventTime: Number.isNaN(eventTime) ? undefined : eventTime,
    });
  }
  return objects;
}
