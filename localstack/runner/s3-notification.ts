import { randomBytes } from 'node:crypto';
import type { S3EventRecord } from 'aws-lambda';
import { encodeS3EventKey } from '../../lib/sources/s3-files';

/** One listed object version to announce. */
export interface ListedObject {
  /** The object key (not encoded). */
  readonly key: string;
  /** The ETag, without quotes. */
  readonly eTag: string;
  /** Size in bytes. */
  readonly size: number;
  /** LastModified, in epoch milliseconds. */
  readonly lastModified: number;
}

/** Where the notification comes from. */
export interface NotificationOrigin {
  /** The bucket the object is in. */
  readonly bucket: string;
  /** The region written into the record (`awsRegion`). */
  readonly region: string;
  /**
   * The notification configuration's id.
   *
   * @default 'sparkless-local-poller'
   */
  readonly configurationId?: string;
}

/**
 * An S3 `ObjectCreated:Put` notification record for a listed object, shaped exactly as S3 sends
 * it to Lambda (the key URL-encoded with `+` for spaces, the ETag without quotes, a sequencer that
 * grows with LastModified), so the local poller invokes the real handler with real-looking events.
 */
export function toS3EventRecord(object: ListedObject, origin: NotificationOrigin): S3EventRecord {
  const requestId = randomBytes(8).toString('hex').toUpperCase();
  return {
    eventVersion: '2.1',
    eventSource: 'aws:s3',
    awsRegion: origin.region,
    eventTime: new Date(object.lastModified).toISOString(),
    eventName: 'ObjectCreated:Put',
    userIdentity: { principalId: 'AWS:LOCAL' },
    requestParameters: { sourceIPAddress: '127.0.0.1' },
    responseElements: {
      'x-amz-request-id': requestId,
      'x-amz-id-2': randomBytes(48).toString('base64'),
    },
    s3: {
      s3SchemaVersion: '1.0',
      configurationId: origin.configurationId ?? 'sparkless-local-poller',
      bucket: {
        name: origin.bucket,
        ownerIdentity: { principalId: 'LOCAL' },
        arn: `arn:aws:s3:::${origin.bucket}`,
      },
      object: {
        key: encodeS3EventKey(object.key),
        size: object.size,
        eTag: object.eTag,
        sequencer: object.lastModified.toString(16).toUpperCase().padStart(18, '0'),
      },
    },
  };
}
