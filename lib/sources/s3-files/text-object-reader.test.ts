import { Readable } from 'node:stream';
import { GetObjectCommand, type GetObjectCommandOutput, type S3Client } from '@aws-sdk/client-s3';
import { describe, expect, it } from 'vitest';
import type { SourceRecord } from '../../core';
import { TextFileSourceErrorCode } from './errors';
import { openTextObject } from './text-object-reader';
import type { S3ObjectRef } from './types';

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

  it('returns undefined for an object deleted since the notification', async () => {
    // Prepare
    const client = {
      send: async () => {
        throw Object.assign(new Error('The specified key does not exist.'), { name: 'NoSuchKey' });
      },
    } as unknown as S3Client;

    // Act / Assess
    expect(await openTextObject(client, ref)).toBeUndefined();
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
