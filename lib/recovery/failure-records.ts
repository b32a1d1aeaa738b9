import type { S3Event } from 'aws-lambda';
import { InvalidFailureRecordError } from './errors';

/**
 * A batch a Kinesis event source mapping discarded, from the `KinesisBatchInfo` of its on-failure
 * record (the same in SQS, SNS and S3 destinations).
 */
export interface DiscardedKinesisRange {
  readonly streamArn: string;
  readonly shardId: string;
  /** Sequence number of the first discarded record (decimal). */
  readonly startSequenceNumber: string;
  /** Sequence number of the last discarded record (decimal). */
  readonly endSequenceNumber: string;
  /** Records in the discarded batch. */
  readonly batchSize: number;
}

/** One message of an on-failure destination, parsed. */
export type FailureRecord =
  | { readonly kind: 'kinesis'; readonly range: DiscardedKinesisRange }
  | { readonly kind: 's3-event'; readonly event: S3Event };

const isObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

const DECIMAL = /^\d+$/;

/**
 * Parses a Lambda failure record: a Kinesis mapping's record (`KinesisBatchInfo`: `shardId`,
 * `startSequenceNumber`, `endSequenceNumber`, `batchSize`, `streamArn`) or an asynchronous invocation
 * record whose `requestPayload` is an S3 event (a text-file pipeline's failed notification).
 *
 * @param recordId - where the record came from, for messages
 * @param body - the parsed JSON body
 * @throws {@link InvalidFailureRecordError} naming what is missing
 */
export function parseFailureRecord(recordId: string, body: unknown): FailureRecord {
  if (!isObject(body)) throw new InvalidFailureRecordError(recordId, 'is not a JSON object');
  const info = body.KinesisBatchInfo;
  if (isObject(info)) {
    const { streamArn, shardId, startSequenceNumber, endSequenceNumber, batchSize } = info;
    if (typeof streamArn !== 'string' || typeof shardId !== 'string') {
      throw new InvalidFailureRecordError(recordId, 'has a KinesisBatchInfo without streamArn or shardId');
    }
    if (
      typeof startSequenceNumber !== 'string' ||
      typeof endSequenceNumber !== 'string' ||
      !DECIMAL.test(startSequenceNumber) ||
      !DECIMAL.test(endSequenceNumber) ||
      BigInt(startSequenceNumber) > BigInt(endSequenceNumber)
    ) {
      throw new InvalidFailureRecordError(
        recordId,
        'has a KinesisBatchInfo without a decimal startSequenceNumber <= endSequenceNumber',
      );
    }
    if (typeof batchSize !== 'number' || !Number.isInteger(batchSize) || batchSize < 1) {
      throw new InvalidFailureRecordError(recordId, 'has a KinesisBatchInfo without a positive batchSize');
    }
    return {
      kind: 'kinesis',
      range: { streamArn, shardId, startSequenceNumber, endSequenceNumber, batchSize },
    };
  }
  const payload = body.requestPayload;
  if (isObject(payload) && Array.isArray(payload.Records)) {
    const records = payload.Records as unknown[];
    if (records.every((record) => isObject(record) && isObject(record.s3))) {
      return { kind: 's3-event', event: payload as unknown as S3Event };
    }
  }
  throw new InvalidFailureRecordError(
    recordId,
    'has neither a KinesisBatchInfo nor an S3 event as requestPayload',
  );
}
