import { GetObjectCommand, type GetObjectCommandOutput, type S3Client } from '@aws-sdk/client-s3';
import { ObjectReadError } from './errors';
import { normalizeETag, objectPartition } from './object-partition';
import { toRecordBatches } from './record-batches';
import type { S3ObjectRef, TextBatchOptions, TextObject } from './types';

/** Error names S3 uses when the object (version) no longer exists. */
const MISSING = new Set(['NoSuchKey', 'NoSuchVersion', 'NotFound']);

/**
 * Opens one object for reading as text lines: a GetObject whose body is streamed, line by line,
 * into batches of source records (see {@link toRecordBatches}).
 *
 * With a `versionId` (versioned bucket) exactly that version is read. Otherwise the current
 * version is read, and if the object was overwritten since the notification, the partition is
 * that of the version actually read (its ETag), so what is counted always matches its id; the
 * newer version's own notification is then a no-op.
 *
 * @returns the opened object, or `undefined` when it (or the version) no longer exists
 * @throws {@link ObjectReadError} when GetObject or reading the body fails
 */
export async function openTextObject(
  client: S3Client,
  ref: S3ObjectRef,
  options: TextBatchOptions = {},
): Promise<TextObject | undefined> {
  let response: GetObjectCommandOutput;
  try {
    response = await client.send(
      new GetObjectCommand({
        Bucket: ref.bucket,
        Key: ref.key,
        ...(ref.versionId === undefined ? {} : { VersionId: ref.versionId }),
      }),
    );
  } catch (error) {
    if (MISSING.has((error as { name?: string } | undefined)?.name ?? '')) return undefined;
    throw new ObjectReadError(ref.bucket, ref.key, error);
  }
  const rawETag = response.ETag ?? ref.eTag;
  if (rawETag === undefined || response.Body === undefined) {
    (response.Body as { destroy?: () => void } | undefined)?.destroy?.();
    throw new ObjectReadError(ref.bucket, ref.key, new Error('GetObject returned no ETag or no body'));
  }
  const eTag = normalizeETag(rawETag);
  const identity = {
    partition: objectPartition(ref.key, eTag),
    key: ref.key,
    arrivalTime: response.LastModified?.getTime() ?? ref.eventTime ?? Date.now(),
  };
  return {
    ...identity,
    bucket: ref.bucket,
    eTag,
    versionId: response.VersionId ?? ref.versionId,
    size: response.ContentLength,
    batches: toRecordBatches(bodyChunks(response.Body, ref), identity, options),
  };
}

type Body = NonNullable<GetObjectCommandOutput['Body']>;

/** The body's chunks; a failure while reading becomes an {@link ObjectReadError}. */
async function* bodyChunks(body: Body, ref: S3ObjectRef): AsyncGenerator<Uint8Array, void, undefined> {
  try {
    if (Symbol.asyncIterator in body) {
      for await (const chunk of body as AsyncIterable<Uint8Array | string>) {
        yield typeof chunk === 'string' ? Buffer.from(chunk) : chunk;
      }
    } else {
      yield await body.transformToByteArray();
    }
  } catch (error) {
    throw new ObjectReadError(ref.bucket, ref.key, error);
  }
}
