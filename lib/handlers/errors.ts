import { describeError } from '../core';

/** Stable codes of the errors the handlers raise (besides the core's configuration errors). */
export const HandlerErrorCode = {
  /** Some objects of an S3 event failed; the invocation fails so Lambda retries it. */
  ObjectsFailed: 'OBJECTS_FAILED',
} as const;

/** One of the {@link HandlerErrorCode} values. */
export type HandlerErrorCode = (typeof HandlerErrorCode)[keyof typeof HandlerErrorCode];

/** Base class of the errors the handlers raise, with a stable {@link HandlerErrorCode} and a `cause`. */
export class HandlerError extends Error {
  /** Stable machine-readable code. */
  public readonly code: HandlerErrorCode;

  public constructor(code: HandlerErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = new.target.name;
    this.code = code;
  }
}

/** One object of an S3 event that could not be processed. */
export interface ObjectFailure {
  /** The bucket. */
  readonly bucket: string;
  /** The object key (decoded). */
  readonly key: string;
  /** What was thrown. */
  readonly error: unknown;
}

/**
 * Some objects of an S3 event failed (the others were processed). Thrown so that Lambda retries
 * the asynchronous invocation and, past its retry budget, sends the event to the on-failure
 * destination; on a retry the objects already processed are skipped by the ledger. `cause` is
 * the first failure's error.
 */
export class ObjectsFailedError extends HandlerError {
  /** Every failed object with its error, in event order. */
  public readonly failures: readonly ObjectFailure[];

  public constructor(failures: readonly ObjectFailure[], objectCount: number) {
    super(
      HandlerErrorCode.ObjectsFailed,
      `${failures.length} of ${objectCount} objects failed; Lambda will retry the event: ${failures
        .map((failure) => `s3://${failure.bucket}/${failure.key} (${describeError(failure.error)})`)
        .join('; ')}`,
      { cause: failures[0]?.error },
    );
    this.failures = failures;
  }
}
