/** Stable codes of the errors the text-file source raises. */
export const TextFileSourceErrorCode = {
  /** An S3 event key is not valid URL encoding. */
  InvalidObjectKey: 'INVALID_OBJECT_KEY',
  /** GetObject failed or the body could not be read (infrastructure: the invocation is retried). */
  ObjectReadFailed: 'OBJECT_READ_FAILED',
  /** The object version a notification names can no longer be read (deleted or overwritten): it is dead-lettered. */
  ObjectVersionGone: 'OBJECT_VERSION_GONE',
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

/** Why the object version a notification names can no longer be read. */
export const ObjectVersionGoneReason = {
  /** The object, or that version of it, was deleted (`NoSuchKey`, `NoSuchVersion`). */
  Deleted: 'deleted',
  /** An unversioned object was overwritten: its ETag is no longer the notification's (`PreconditionFailed`). */
  Overwritten: 'overwritten',
} as const;

/** One of the {@link ObjectVersionGoneReason} values. */
export type ObjectVersionGoneReason = (typeof ObjectVersionGoneReason)[keyof typeof ObjectVersionGoneReason];

/**
 * The object version a notification names can no longer be read. Retrying cannot bring it back, so
 * the S3 handler dead-letters it (with this reason) and moves on to the other objects.
 */
export class ObjectVersionGoneError extends TextFileSourceError {
  /** The bucket. */
  public readonly bucket: string;
  /** The object key. */
  public readonly key: string;
  /** The ETag the notification carried, if any. */
  public readonly eTag: string | undefined;
  /** The version the notification named, if any. */
  public readonly versionId: string | undefined;
  /** Why the version cannot be read. */
  public readonly reason: ObjectVersionGoneReason;

  public constructor(
    version: { bucket: string; key: string; eTag: string | undefined; versionId: string | undefined },
    reason: ObjectVersionGoneReason,
    cause: unknown,
  ) {
    const named =
      version.versionId === undefined
        ? `s3://${version.bucket}/${version.key} (ETag ${version.eTag ?? 'unknown'})`
        : `s3://${version.bucket}/${version.key} version ${version.versionId}`;
    const what =
      reason === ObjectVersionGoneReason.Overwritten
        ? 'was overwritten before it was read (unversioned bucket: enable versioning on the input bucket to read every version)'
        : 'was deleted before it was read';
    super(TextFileSourceErrorCode.ObjectVersionGone, `${named} ${what}`, { cause });
    this.bucket = version.bucket;
    this.key = version.key;
    this.eTag = version.eTag;
    this.versionId = version.versionId;
    this.reason = reason;
  }
}
