/** Stable codes of the errors the text-file source raises. */
export const TextFileSourceErrorCode = {
  /** An S3 event key is not valid URL encoding. */
  InvalidObjectKey: 'INVALID_OBJECT_KEY',
  /** GetObject failed or the body could not be read (infrastructure: the invocation is retried). */
  ObjectReadFailed: 'OBJECT_READ_FAILED',
} as const;

/** One of the {@link TextFileSourceErrorCode} values. */
export type TextFileSourceErrorCode = (typeof TextFileSourceErrorCode)[keyof typeof TextFileSourceErrorCode];

/**
 * Base class of the errors the text-file source raises, with a stable {@link TextFileSourceErrorCode}
 * and the underlying `cause`.
 */
export class TextFileSourceError extends Error {
  /** Stable machine-readable code. */
  public readonly code: TextFileSourceErrorCode;

  public constructor(code: TextFileSourceErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = new.target.name;
    this.code = code;
  }
}

/** An object key in an S3 event is not valid URL encoding. */
export class InvalidObjectKeyError extends TextFileSourceError {
  /** The key as the event carried it. */
  public readonly encodedKey: string;

  public constructor(encodedKey: string, cause: unknown) {
    super(
      TextFileSourceErrorCode.InvalidObjectKey,
      `S3 event object key ${JSON.stringify(encodedKey)} is not valid URL encoding`,
      { cause },
    );
    this.encodedKey = encodedKey;
  }
}

/** Reading an object failed; the invocation fails and Lambda retries it. */
export class ObjectReadError extends TextFileSourceError {
  /** The bucket read from. */
  public readonly bucket: string;
  /** The object key. */
  public readonly key: string;

  public constructor(bucket: string, key: string, cause: unknown) {
    super(TextFileSourceErrorCode.ObjectReadFailed, `reading s3://${bucket}/${key} failed`, { cause });
    this.bucket = bucket;
    this.key = key;
  }
}
