import { ErrorCode, SparklessError } from '../../core';

/**
 * Stable codes of the errors the text-file sink raises.
 * They are members of the core `ErrorCode`.
 */
export const TextFileSinkErrorCode = {
  /** A path (or a `saveAsTextFiles` prefix) cannot be mapped to a bucket and key. */
  InvalidPath: ErrorCode.InvalidTextFilePath,
  /** The object could not be written (infrastructure: the batch fails and is retried). */
  WriteFailed: ErrorCode.TextFileWriteFailed,
} as const;

/** One of the {@link TextFileSinkErrorCode} values. */
export type TextFileSinkErrorCode = (typeof TextFileSinkErrorCode)[keyof typeof TextFileSinkErrorCode];

/** Base class of the errors the text-file sink raises, with a {@link TextFileSinkErrorCode} and `cause`. */
export class TextFileSinkError extends SparklessError {
  public constructor(code: TextFileSinkErrorCode, message: string, options?: { cause?: unknown }) {
    super(code, message, options);
  }
}

/** A path cannot be mapped to a bucket and key; the message says why. */
export class InvalidTextFilePathError extends TextFileSinkError {
  /** The path as given. */
  public readonly path: string;

  public constructor(path: string, reason: string) {
    super(TextFileSinkErrorCode.InvalidPath, `text file path ${JSON.stringify(path)} ${reason}`);
    this.path = path;
  }
}

/** Writing a text file failed; `cause` is the store's error. */
export class TextFileWriteError extends TextFileSinkError {
  /** The bucket written to. */
  public readonly bucket: string;
  /** The object key. */
  public readonly key: string;

  public constructor(bucket: string, key: string, cause: unknown) {
    super(TextFileSinkErrorCode.WriteFailed, `writing text file s3://${bucket}/${key} failed`, { cause });
    this.bucket = bucket;
    this.key = key;
  }
}
