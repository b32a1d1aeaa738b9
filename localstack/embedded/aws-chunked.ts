import type { IncomingHttpHeaders, OutgoingHttpHeaders } from 'node:http';
import { Transform, type TransformCallback } from 'node:stream';

const CRLF = Buffer.from('\r\n');
/** Longest chunk header or trailer line accepted (a signed chunk header is ~100 bytes). */
const MAX_LINE_BYTES = 8 * 1024;

/**
 * Whether an S3 request body uses the `aws-chunked` framing (SigV4 streaming or trailing checksums),
 * which the AWS SDKs and CLI send for streams of unknown length but s3rver stores verbatim.
 */
export function isAwsChunked(headers: IncomingHttpHeaders): boolean {
  const encoding = headers['content-encoding'] ?? '';
  const sha256 = headers['x-amz-content-sha256'];
  return (
    /(^|,)\s*aws-chunked\s*(,|$)/i.test(encoding) ||
    (typeof sha256 === 'string' && sha256.startsWith('STREAMING-'))
  );
}

/**
 * The headers of an `aws-chunked` request as if it had been sent plainly: the decoded length,
 * `aws-chunked` removed from `Content-Encoding`, trailer and streaming-signature headers dropped.
 */
export function plainRequestHeaders(headers: IncomingHttpHeaders): OutgoingHttpHeaders {
  const {
    'content-length': _framedLength,
    'transfer-encoding': _transferEncoding,
    'x-amz-decoded-content-length': decodedLength,
    'x-amz-trailer': _trailer,
    'content-encoding': encoding,
    ...rest
  } = headers;
  const remainingEncoding = (encoding ?? '')
    .split(',')
    .map((token) => token.trim())
    .filter((token) => token !== '' && token.toLowerCase() !== 'aws-chunked')
    .join(', ');
  const length = Array.isArray(decodedLength) ? decodedLength[0] : decodedLength;
  return {
    ...rest,
    ...(remainingEncoding ? { 'content-encoding': remainingEncoding } : {}),
    ...(length ? { 'content-length': length } : { 'transfer-encoding': 'chunked' }),
    'x-amz-content-sha256': 'UNSIGNED-PAYLOAD',
  };
}

type DecoderState = 'size' | 'data' | 'data-end' | 'trailer' | 'done';

/**
 * Strips the `aws-chunked` framing (`<hex-size>[;chunk-signature=…]\r\n<data>\r\n … 0\r\n<trailers>\r\n\r\n`)
 * from a request body, passing the payload through. Chunk signatures and trailing checksums are
 * not verified (the emulators verify no signatures either).
 *
 * @example
 * ```ts
 * pipeline(request, new AwsChunkedDecoder(), upstreamRequest, callback);
 * ```
 */
export class AwsChunkedDecoder extends Transform {
  #state: DecoderState = 'size';
  #remaining = 0;
  #pending: Buffer = Buffer.alloc(0);

  public override _transform(chunk: Buffer, _encoding: BufferEncoding, callback: TransformCallback): void {
    try {
      this.#consume(this.#pending.length > 0 ? Buffer.concat([this.#pending, chunk]) : chunk);
      callback();
    } catch (error) {
      callback(error instanceof Error ? error : new Error(String(error)));
    }
  }

  public override _flush(callback: TransformCallback): void {
    if (this.#state === 'done' || this.#state === 'trailer') callback();
    else callback(new Error(`aws-chunked body ended inside a chunk (state ${this.#state})`));
  }

  #consume(input: Buffer): void {
    this.#pending = Buffer.alloc(0);
    let offset = 0;
    while (offset < input.length) {
      if (this.#state === 'data') {
        const take = Math.min(this.#remaining, input.length - offset);
        this.push(input.subarray(offset, offset + take));
        offset += take;
        this.#remaining -= take;
        if (this.#remaining === 0) this.#state = 'data-end';
      } else if (this.#state === 'data-end') {
        if (input.length - offset < CRLF.length) break;
        if (!input.subarray(offset, offset + CRLF.length).equals(CRLF)) {
          throw new Error('aws-chunked body: missing CRLF after chunk data');
        }
        offset += CRLF.length;
        this.#state = 'size';
      } else if (this.#state === 'done') {
        return;
      } else {
        const end = input.indexOf(CRLF, offset);
        if (end < 0) break;
        const line = input.toString('latin1', offset, end);
        offset = end + CRLF.length;
        this.#acceptLine(line);
      }
    }
    this.#pending = input.subarray(offset);
    if (this.#pending.length > MAX_LINE_BYTES)
      throw new Error('aws-chunked body: chunk header line too long');
  }

  #acceptLine(line: string): void {
    if (this.#state === 'trailer') {
      if (line === '') this.#state = 'done';
      return;
    }
    const sizeField = line.split(';', 1)[0] ?? '';
    const size = Number.parseInt(sizeField, 16);
    if (!/^[0-9a-fA-F]+$/.test(sizeField) || !Number.isSafeInteger(size)) {
      throw new Error(`aws-chunked body: invalid chunk size ${JSON.stringify(sizeField)}`);
    }
    if (size === 0) this.#state = 'trailer';
    else {
      this.#remaining = size;
      this.#state = 'data';
    }
  }
}
