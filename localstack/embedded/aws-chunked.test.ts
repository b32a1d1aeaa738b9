import { Readable } from 'node:stream';
import { buffer } from 'node:stream/consumers';
import { describe, expect, it } from 'vitest';
import { AwsChunkedDecoder, isAwsChunked, plainRequestHeaders } from './aws-chunked.js';

/** Frames `parts` the way the SDK does for a stream body with a trailing checksum. */
function frame(
  parts: readonly string[],
  options: { readonly signed?: boolean; readonly trailer?: string } = {},
): Buffer {
  const extension = options.signed ? `;chunk-signature=${'a'.repeat(64)}` : '';
  const chunks = parts.map((part) => `${Buffer.byteLength(part).toString(16)}${extension}\r\n${part}\r\n`);
  return Buffer.from(`${chunks.join('')}0${extension}\r\n${options.trailer ?? ''}\r\n`);
}

function decode(framed: Buffer, pieceSize: number): Promise<Buffer> {
  const pieces = Array.from({ length: Math.ceil(framed.length / pieceSize) }, (_, index) =>
    framed.subarray(index * pieceSize, (index + 1) * pieceSize),
  );
  return buffer(Readable.from(pieces).pipe(new AwsChunkedDecoder()));
}

describe('Class: AwsChunkedDecoder', () => {
  it.each([1, 2, 7, 64, 100_000])(
    'recovers the payload when the framed body arrives in pieces of %i bytes',
    async (size) => {
      // Prepare
      const framed = frame(['hello ', 'aws-chunked ', 'x'.repeat(300)], {
        trailer: 'x-amz-checksum-crc32:AAAAAA==\r\n',
      });

      // Act
      const payload = await decode(framed, size);

      // Assess
      expect(payload.toString()).toBe(`hello aws-chunked ${'x'.repeat(300)}`);
    },
  );

  it('drops chunk signatures of a SigV4 streaming upload', async () => {
    // Act
    const payload = await decode(frame(['abc', 'def'], { signed: true }), 5);

    // Assess
    expect(payload.toString()).toBe('abcdef');
  });

  it('fails on a chunk size that is not hexadecimal', async () => {
    await expect(decode(Buffer.from('zz\r\nabc\r\n0\r\n\r\n'), 4)).rejects.toThrow(/invalid chunk size "zz"/);
  });

  it('fails when the body ends inside a chunk', async () => {
    await expect(decode(Buffer.from('a\r\nabc'), 4)).rejects.toThrow(/ended inside a chunk/);
  });
});

describe('Function: isAwsChunked', () => {
  it('recognises aws-chunked content encoding and streaming payload hashes, and nothing else', () => {
    expect(isAwsChunked({ 'content-encoding': 'gzip, aws-chunked' })).toBe(true);
    expect(isAwsChunked({ 'x-amz-content-sha256': 'STREAMING-UNSIGNED-PAYLOAD-TRAILER' })).toBe(true);
    expect(isAwsChunked({ 'content-encoding': 'gzip', 'x-amz-content-sha256': 'UNSIGNED-PAYLOAD' })).toBe(
      false,
    );
  });
});

describe('Function: plainRequestHeaders', () => {
  it('declares the decoded length and removes the framing headers', () => {
    // Act
    const headers = plainRequestHeaders({
      'content-encoding': 'aws-chunked',
      'content-length': '180',
      'x-amz-decoded-content-length': '120',
      'x-amz-trailer': 'x-amz-checksum-crc32',
      'x-amz-content-sha256': 'STREAMING-UNSIGNED-PAYLOAD-TRAILER',
      'x-amz-meta-owner': 'me',
    });

    // Assess
    expect(headers).toEqual({
      'content-length': '120',
      'x-amz-content-sha256': 'UNSIGNED-PAYLOAD',
      'x-amz-meta-owner': 'me',
    });
  });

  it('keeps other content encodings and falls back to chunked transfer without a decoded length', () => {
    expect(plainRequestHeaders({ 'content-encoding': 'gzip,aws-chunked' })).toEqual({
      'content-encoding': 'gzip',
      'transfer-encoding': 'chunked',
      'x-amz-content-sha256': 'UNSIGNED-PAYLOAD',
    });
  });
});
