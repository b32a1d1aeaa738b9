import { describeError, ErrorCode, type ReferenceSource, SparklessError } from '../core';
import { describeReferenceSource } from './describe-source';

/**
 * Stable codes of the errors reference data loading raises. Callers, tests and alarms match on
 * these, never on messages.
 * They are members of the core `ErrorCode`.
 */
export const ReferenceDataErrorCode = {
  /** A reference has never been loaded successfully, so there is nothing to serve. */
  Unavailable: ErrorCode.ReferenceDataUnavailable,
  /** The source does not exist (no such S3 object or bucket, no such DynamoDB table). */
  SourceMissing: ErrorCode.ReferenceSourceMissing,
  /** The source exists but its content is unusable (not JSON, item without its key attribute, ...). */
  SourceInvalid: ErrorCode.ReferenceSourceInvalid,
  /** Reading the source failed for another reason (access denied, throttling past retries, ...). */
  LoadFailed: ErrorCode.ReferenceLoadFailed,
  /** The reference's `parse` function threw on the loaded value. */
  ParseFailed: ErrorCode.ReferenceParseFailed,
} as const;

/** One of the {@link ReferenceDataErrorCode} values. */
export type ReferenceDataErrorCode = (typeof ReferenceDataErrorCode)[keyof typeof ReferenceDataErrorCode];

/** Base class of the errors reference data loading raises, with a {@link ReferenceDataErrorCode} and `cause`. */
export class ReferenceDataError extends SparklessError {
  public constructor(code: ReferenceDataErrorCode, message: string, options?: { cause?: unknown }) {
    super(code, message, options);
  }
}

/** Reading a source failed: missing, invalid, or an infrastructure error (see `code`). */
export class ReferenceSourceError extends ReferenceDataError {
  /** The source that failed. */
  public readonly source: ReferenceSource;

  public constructor(
    code:
      | typeof ReferenceDataErrorCode.SourceMissing
      | typeof ReferenceDataErrorCode.SourceInvalid
      | typeof ReferenceDataErrorCode.LoadFailed,
    source: ReferenceSource,
    detail: string,
    options?: { cause?: unknown },
  ) {
    super(code, `reference data source ${describeReferenceSource(source)} ${detail}`, options);
    this.source = source;
  }
}

/** A reference's `parse` function threw on the value its source returned. */
export class ReferenceParseError extends ReferenceDataError {
  /** The reference's name. */
  public readonly reference: string;

  public constructor(reference: string, cause: unknown) {
    super(
      ReferenceDataErrorCode.ParseFailed,
      `parse of reference data ${JSON.stringify(reference)} threw: ${describeError(cause)}`,
      { cause },
    );
    this.reference = reference;
  }
}

/**
 * A reference has no value to serve: its first load (or every load so far) failed. The batch
 * fails and Lambda retries it; `cause` is the load's error.
 */
export class ReferenceDataUnavailableError extends ReferenceDataError {
  /** The reference's name. */
  public readonly reference: string;
  /** Where it was loaded from. */
  public readonly source: ReferenceSource;

  public constructor(reference: string, source: ReferenceSource, cause: unknown) {
    super(
      ReferenceDataErrorCode.Unavailable,
      `reference data ${JSON.stringify(reference)} from ${describeReferenceSource(source)} could not be loaded and has no earlier value: ${describeError(cause)}`,
      { cause },
    );
    this.reference = reference;
    this.source = source;
  }
}
