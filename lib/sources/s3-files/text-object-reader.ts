import { GetObjectCommand, type GetObjectCommandOutput, type S3Client } from '@aws-sdk/client-s3';
import { MAX_BODY_RESUMES } from './constants';
import { ObjectReadError, ObjectVersionGoneError, ObjectVersionGoneReason } from './errors';
import { effectiveVersionId, normalizeETag, objectPartition } from './object-partition';
import { toRecordBatches } from './record-batches';
import type { S3ObjectRef, TextBatchOptions, TextObject } from './types';

/** S3 error names meaning the object, or the version asked for, no longer exists (405: the version is a delete marker). */
const DELETED = new Set(['NoSuchKey', 'NoSuchVersion', 'NotFound', 'MethodNotAllowed']);

type Body = NonNullable<GetObjectCommandOutput['Body']>;

/** Why GetObject failed, if it means the version can never be read; `undefined` for other failures. */
function goneReason(error: unknown): ObjectVersionGoneReason | undefined {
  const failure = error as { name?: string; $metadata?: { httpStatusCode?: number } } | undefined;
  if (DELETED.has(failure?.name ?? '')) return ObjectVersionGoneReason.Deleted;
  if (failure?.name === 'PreconditionFailed' || failure?.$metadata?.httpStatusCode === 412) {
    return ObjectVersionGoneReason.Overwritten;
  }
  return undefined;
}

/**
 * Opens the object version a notification names for reading as text lines: a GetObject whose
 * body is streamed, line by line, into batches of source records (see {@link toRecordBatches}).
 *
 * In a versioned bucket exactly the version the notification names is read (`VersionId`), so an
 * object overwritten before its notification is processed loses nothing: each version is read,
 * and counted, on its own notification. Without a version id (an unversioned bucket, or S3's
 * `"null"` version) the object is read only if it still has the notification's ETag (`IfMatch`,
 * and the ETag of the response checked too, since the embedded S3 emulator ignores `IfMatch`):
 * content that changed since is never counted under the notification, and its own notification
 * reads it.
 *
 * The body is pulled only as batches are consumed, so a slow batch (state writes under
 * throttling) can outlast the connection's idle timeout: a body that fails mid-way is resumed
 * with a ranged GetObject from the byte reached, of the same version (`IfMatch` the ETag, and the
 * ETag checked), up to 5 times per object.
 *
 * @returns the opened object version
 * @throws {@link ObjectVersionGoneError} when the version can no longer be read (deleted, or
 *   overwritten in an unversioned bucket): retrying cannot help, the handler dead-letters it
 * @throws {@link ObjectReadError} when GetObject or reading the body fails (while iterating the batches)
 */
export async function openTextObject(
  client: S3Client,
  ref: S3ObjectRef,
  options: TextBatchOptions = {},
): Promise<TextObject> {
  const versionId = effectiveVersionId(ref.versionId);
  const named = { ...ref, versionId };
  let response: GetObjectCommandOutput;
  try {
    response = await client.send(
      new GetObjectCommand({
        Bucket: ref.bucket,
        Key: ref.key,
        ...(versionId !== undefined
          ? { VersionId: versionId }
          : ref.eTag === undefined
            ? {}
            : { IfMatch: `"${ref.eTag}"` }),
      }),
    );
  } catch (error) {
    const reason = goneReason(error);
    if (reason !== undefined) throw new ObjectVersionGoneError(named, reason, error);
    throw new ObjectReadError(ref.bucket, ref.key, error);
  }
  const rawETag = response.ETag ?? ref.eTag;
  if (rawETag === undefined || response.Body === undefined) {
    (response.Body as { destroy?: () => void } | undefined)?.destroy?.();
    throw new ObjectReadError(ref.bucket, ref.key, new Error('GetObject returned no ETag or no body'));
  }
  const eTag = normalizeETag(rawETag);
  if (versionId === undefined && ref.eTag !== undefined && eTag !== ref.eTag) {
    (response.Body as { destroy?: () => void }).destroy?.();
    throw new ObjectVersionGoneError(
      named,
      ObjectVersionGoneReason.Overwritten,
      new Error(`GetObject returned ETag ${eTag} although IfMatch asked for ${ref.eTag}`),
    );
  }
  const identity = {
    partition: objectPartition(ref.key, eTag, versionId),
    key: ref.key,
    arrivalTime: response.LastModified?.getTime() ?? ref.eventTime ?? Date.now(),
  };
  const version = { ...named, eTag };
  return {
    ...identity,
    bucket: ref.bucket,
    eTag,
    versionId,
    size: response.ContentLength,
    batches: toRecordBatches(
      resumableChunks(client, version, response.Body, response.ContentLength),
      identity,
      options,
    ),
  };
}

/** The chunks of one object version's body, resuming a failed body with a ranged GetObject. */
async function* resumableChunks(
  client: S3Client,
  version: S3ObjectRef & { readonly eTag: string },
  first: Body,
  size: number | undefined,
): AsyncGenerator<Uint8Array, void, undefined> {
  let body = first;
  let position = 0;
  for (let resumes = 0; ; resumes++) {
    try {
      for await (const chunk of chunksOf(body)) {
        position += chunk.length;
        yield chunk;
      }
      return;
    } catch (error) {
      if (size !== undefined && position >= size) return;
      if (resumes >= MAX_BODY_RESUMES) throw new ObjectReadError(version.bucket, version.key, error);
      body = await getFrom(client, version, position, error);
    }
  }
}

/** A ranged GetObject of the same version from `position`; fails if the object changed. */
async function getFrom(
  client: S3Client,
  version: S3ObjectRef & { readonly eTag: string },
  position: number,
  interruption: unknown,
): Promise<Body> {
  let response: GetObjectCommandOutput;
  try {
    response = await client.send(
      new GetObjectCommand({
        Bucket: version.bucket,
        Key: version.key,
        Range: `bytes=${position}-`,
        IfMatch: `"${version.eTag}"`,
        ...(version.versionId === undefined ? {} : { VersionId: version.versionId }),
      }),
    );
  } catch (error) {
    throw new ObjectReadError(
      version.bucket,
      version.key,
      new AggregateError([interruption, error], 'resuming the body failed'),
    );
  }
  const resumedAt = /^bytes (\d+)-/.exec(response.ContentRange ?? '')?.[1];
  if (response.Body === undefined || resumedAt !== String(position)) {
    (response.Body as { destroy?: () => void } | undefined)?.destroy?.();
    throw new ObjectReadError(
      version.bucket,
      version.key,
      new Error(
        `a ranged GetObject from byte ${position} returned ${response.ContentRange ?? 'the whole object'}`,
        {
          cause: interruption,
        },
      ),
    );
  }
  if (normalizeETag(response.ETag ?? '') !== version.eTag) {
    (response.Body as { destroy?: () => void } | undefined)?.destroy?.();
    throw new ObjectReadError(
      version.bucket,
      version.key,
      new Error(
        `the object changed while being read (ETag ${version.eTag} became ${response.ETag ?? 'none'})`,
        {
          cause: interruption,
        },
      ),
    );
  }
  return response.Body;
}

/** The body's chunks as bytes. */
async function* chunksOf(body: Body): AsyncGenerator<Uint8Array, void, undefined> {
  if (Symbol.asyncIterator in body) {
    for await (const chunk of body as AsyncIterable<Uint8Array | string>) {
      yield typeof chunk === 'string' ? Buffer.from(chunk) : chunk;
    }
  } else {
    yield await body.transformToByteArray();
  }
}
