import { Readable } from 'node:stream';
import { GetObjectCommand, type GetObjectCommandOutput, type S3Client } from '@aws-sdk/client-s3';
import { describe, expect, it } from 'vitest';
import { decodeUtf8, ManualClock, pipeline, type SourceRecord } from '../../core';
import { createInMemoryRuntime } from '../../runtime';
import { TextFileSourceErrorCode } from './errors';
import { VersionedBucket } from '../../../test/factories/versioned-bucket';
import { ObjectVersionGoneReason } from './errors';
import { openTextObject } from './text-object-reader';
import type { S3ObjectRef, TextObject } from './types';

const ref: S3ObjectRef = {
  bucket: 'input',
  key: 'input/a.txt',
  eTag: 'abc',
  versionId: undefined,
  eventTime: 1_000,
};

/** A body that yields `bytes` in chunks of `chunkSize`, then fails if `failAfter` chunks were sent. */
function body(bytes: Buffer, chunkSize: number, failAfter?: number): Readable {
  const chunks: Buffer[] = [];
  for (let i = 0; i < bytes.length; i += chunkSize) chunks.push(bytes.subarray(i, i + chunkSize));
  return Readable.from(
    (async function* () {
      for (const [index, chunk] of chunks.entries()) {
        if (failAfter !== undefined && index === failAfter)
          throw Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' });
        yield chunk;
      }
    })(),
  );
}

/**
 * A stand-in S3 client serving one object: the first GetObject's body fails after `failAfter`
 * chunks; ranged GetObjects serve the rest (with `eTagAfterChange` as ETag if given).
 */
function stubClient(content: string, options: { failAfter?: number; eTagAfterChange?: string } = {}) {
  const bytes = Buffer.from(content);
  const requests: GetObjectCommand['input'][] = [];
  const send = async (command: GetObjectCommand): Promise<Partial<GetObjectCommandOutput>> => {
    expect(command).toBeInstanceOf(GetObjectCommand);
    requests.push(command.input);
    const range = /^bytes=(\d+)-$/.exec(command.input.Range ?? '');
    const start = range?.[1] === undefined ? 0 : Number(range[1]);
    return {
      ETag: `"${range === null ? 'abc' : (options.eTagAfterChange ?? 'abc')}"`,
      LastModified: new Date(2_000),
      ContentLength: bytes.length - start,
      ...(range === null ? {} : { ContentRange: `bytes ${start}-${bytes.length - 1}/${bytes.length}` }),
      Body: body(
        bytes.subarray(start),
        4,
        range === null ? options.failAfter : undefined,
      ) as GetObjectCommandOutput['Body'],
    };
  };
  return { client: { send } as unknown as S3Client, requests };
}

async function readAll(batches: AsyncIterable<SourceRecord[]> | Iterable<SourceRecord[]>): Promise<string[]> {
  const lines: string[] = [];
  for await (const batch of batches)
    lines.push(...batch.map((record) => new TextDecoder().decode(record.value)));
  return lines;
}

describe('Function: openTextObject', () => {
  it('reads the object as line records under the partition of the version read, LastModified as arrival time', async () => {
    // Prepare
    const { client } = stubClient('to be\nor not\n');

    // Act
    const object = await openTextObject(client, ref);
    const batches: SourceRecord[][] = [];
    for await (const batch of object?.batches ?? []) batches.push(batch);

    // Assess
    expect(object).toMatchObject({ partition: 's3:input/a.txt#abc', eTag: 'abc', arrivalTime: 2_000 });
    expect(batches.flat().map((record) => [record.offset, record.arrivalTime, record.partition])).toEqual([
      ['1', 2_000, 's3:input/a.txt#abc'],
      ['2', 2_000, 's3:input/a.txt#abc'],
    ]);
  });

  it('resumes a body that fails mid-way with a ranged GetObject of the same version', async () => {
    // Prepare: the first body fails after 3 chunks of 4 bytes, inside the line "or not to be"
    const { client, requests } = stubClient('to be\nor not to be\nthat is\n', { failAfter: 3 });

    // Act
    const object = await openTextObject(client, ref);
    const lines = await readAll(object?.batches ?? []);

    // Assess
    expect(lines).toEqual(['to be', 'or not to be', 'that is']);
    expect(requests[1]).toMatchObject({ Range: 'bytes=12-', IfMatch: '"abc"' });
  });

  it('fails with a stable code when the object changed before the body could be resumed', async () => {
    // Prepare
    const { client } = stubClient('to be\nor not to be\n', { failAfter: 2, eTagAfterChange: 'def' });

    // Act
    const object = await openTextObject(client, ref);
    const read = readAll(object?.batches ?? []);

    // Assess
    await expect(read).rejects.toMatchObject({
      code: TextFileSourceErrorCode.ObjectReadFailed,
      cause: expect.objectContaining({
        message: expect.stringMatching(/changed while being read \(ETag abc became "def"\)/),
      }),
    });
  });

  it('wraps other GetObject failures in an ObjectReadError naming the object', async () => {
    // Prepare
    const denied = Object.assign(new Error('Access Denied'), { name: 'AccessDenied' });
    const client = {
      send: async () => {
        throw denied;
      },
    } as unknown as S3Client;

    // Act / Assess
    await expect(openTextObject(client, ref)).rejects.toMatchObject({
      code: TextFileSourceErrorCode.ObjectReadFailed,
      message: 'reading s3://input/input/a.txt failed',
      cause: denied,
    });
  });
});

/** The notification S3 sends for a put into `bucket`. */
function notification(
  bucket: VersionedBucket,
  key: string,
  put: { eTag: string; versionId: string | undefined },
) {
  return { bucket: bucket.name, key, eTag: put.eTag, versionId: put.versionId, eventTime: 1_000 };
}

async function linesOf(object: TextObject): Promise<string[]> {
  return readAll(object.batches);
}

describe('Function: openTextObject (file versions)', () => {
  it('reads the version the notification names, even after the object was overwritten', async () => {
    // Prepare
    const bucket = new VersionedBucket('input');
    const first = bucket.put('input/a.txt', 'first\n');
    bucket.put('input/a.txt', 'second\n');

    // Act
    const object = await openTextObject(bucket.client, notification(bucket, 'input/a.txt', first));

    // Assess
    expect(await linesOf(object)).toEqual(['first']);
    expect(bucket.requests[0]).toMatchObject({ VersionId: first.versionId });
  });

  it('gives every version its own partition, even versions with the same content (same ETag)', async () => {
    // Prepare
    const bucket = new VersionedBucket('input');
    const first = bucket.put('input/a.txt', 'same\n');
    const second = bucket.put('input/a.txt', 'same\n');

    // Act
    const objects = [
      await openTextObject(bucket.client, notification(bucket, 'input/a.txt', first)),
      await openTextObject(bucket.client, notification(bucket, 'input/a.txt', second)),
    ];

    // Assess
    expect(first.eTag).toBe(second.eTag);
    expect(objects.map((object) => object.partition)).toEqual([
      `s3:input/a.txt#${first.eTag}#${first.versionId}`,
      `s3:input/a.txt#${second.eTag}#${second.versionId}`,
    ]);
  });

  it("reads an unversioned object only while it has the notification's ETag, and reports an overwritten one as gone", async () => {
    // Prepare
    const bucket = new VersionedBucket('input', { versioned: false });
    const first = bucket.put('input/a.txt', 'first\n');
    const second = bucket.put('input/a.txt', 'second\n');

    // Act
    const gone = openTextObject(bucket.client, notification(bucket, 'input/a.txt', first));
    const current = await openTextObject(bucket.client, notification(bucket, 'input/a.txt', second));

    // Assess
    await expect(gone).rejects.toMatchObject({
      code: TextFileSourceErrorCode.ObjectVersionGone,
      reason: ObjectVersionGoneReason.Overwritten,
      eTag: first.eTag,
      message: expect.stringMatching(
        /s3:\/\/input\/input\/a\.txt.*ETag .* was overwritten before it was read/,
      ),
    });
    expect(bucket.requests[0]).toMatchObject({ IfMatch: `"${first.eTag}"` });
    expect(bucket.requests[0]?.VersionId).toBeUndefined();
    expect(await linesOf(current)).toEqual(['second']);
    expect(current.partition).toBe(`s3:input/a.txt#${second.eTag}`);
  });

  it('reports a deleted version and a deleted object as gone, with the reason', async () => {
    // Prepare
    const bucket = new VersionedBucket('input');
    const deletedVersion = bucket.put('input/a.txt', 'first\n');
    bucket.put('input/a.txt', 'second\n');
    bucket.delete('input/a.txt', deletedVersion.versionId);
    const deletedObject = bucket.put('input/b.txt', 'b\n');
    bucket.delete('input/b.txt');

    // Act
    const reads = [
      openTextObject(bucket.client, notification(bucket, 'input/a.txt', deletedVersion)),
      openTextObject(bucket.client, notification(bucket, 'input/b.txt', deletedObject)),
    ];

    // Assess
    await expect(reads[0]).rejects.toMatchObject({
      code: TextFileSourceErrorCode.ObjectVersionGone,
      reason: ObjectVersionGoneReason.Deleted,
      versionId: deletedVersion.versionId,
      cause: expect.objectContaining({ name: 'NoSuchVersion' }),
    });
    await expect(reads[1]).rejects.toMatchObject({
      code: TextFileSourceErrorCode.ObjectVersionGone,
      reason: ObjectVersionGoneReason.Deleted,
      cause: expect.objectContaining({ name: 'NoSuchKey' }),
    });
  });

  it('reads the "null" version (versioning suspended, or objects older than versioning) by its ETag', async () => {
    // Prepare
    const bucket = new VersionedBucket('input', { versioned: false });
    const put = bucket.put('input/a.txt', 'text\n');

    // Act
    const object = await openTextObject(bucket.client, {
      ...notification(bucket, 'input/a.txt', put),
      versionId: 'null',
    });

    // Assess
    expect(bucket.requests[0]).toMatchObject({ IfMatch: `"${put.eTag}"` });
    expect(bucket.requests[0]?.VersionId).toBeUndefined();
    expect(object.partition).toBe(`s3:input/a.txt#${put.eTag}`);
  });
});

describe('Spec: each file version is counted once (versioned bucket, production executor on the in-memory twins)', () => {
  it('counts a file overwritten before its notifications were processed once per version, same content included, and a re-delivery not at all', async () => {
    // Prepare: three versions of one file, the first two with the same content, before any notification runs
    const bucket = new VersionedBucket('input');
    const versions = [
      bucket.put('input/a.txt', 'to be\n'),
      bucket.put('input/a.txt', 'to be\n'),
      bucket.put('input/a.txt', 'or not\n'),
    ];
    const versionCount = pipeline('file-versions');
    versionCount
      .fromTextFiles({ prefix: 'input/' })
      .map((record) => decodeUtf8(record.value))
      .flatMap((line) => line.split(' '))
      .mapToPair((word) => [word, 1])
      .updateStateByKey<number>((values, state = 0) => values.reduce((a, b) => a + b, state), {
        name: 'counts',
      })
      .print();
    const runtime = createInMemoryRuntime(versionCount, { clock: new ManualClock(1_700_000_000_000) });

    // Act: every notification, then the first one again (S3 delivers at least once)
    for (const version of [...versions, ...versions.slice(0, 1)]) {
      const object = await openTextObject(bucket.client, notification(bucket, 'input/a.txt', version));
      for await (const batch of object.batches) await runtime.process(object.partition, batch);
    }

    // Assess
    expect(Object.fromEntries(await runtime.stateOf('counts'))).toEqual({ to: 2, be: 2, or: 1, not: 1 });
  });
});
