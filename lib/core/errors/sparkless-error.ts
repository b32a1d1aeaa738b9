/**
 * Stable error codes. Tests, alarms and callers match on these, never on messages.
 */
export const ErrorCode = {
  InvalidOffset: 'INVALID_OFFSET',
  InvalidPipeline: 'INVALID_PIPELINE',
  InvalidKey: 'INVALID_KEY',
  DecodeFailed: 'DECODE_FAILED',
  UserCodeFailed: 'USER_CODE_FAILED',
  IncompatibleStatePlan: 'INCOMPATIBLE_STATE_PLAN',
  InvalidConfiguration: 'INVALID_CONFIGURATION',
  StateConflictRetriesExhausted: 'STATE_CONFLICT_RETRIES_EXHAUSTED',
  LedgerConflictRetriesExhausted: 'LEDGER_CONFLICT_RETRIES_EXHAUSTED',
  WriteAheadLogMissing: 'WRITE_AHEAD_LOG_MISSING',
  LateRecord: 'LATE_RECORD',
  InvalidStateAccess: 'INVALID_STATE_ACCESS',
  StateTooLarge: 'STATE_TOO_LARGE',
  StateObjectMissing: 'STATE_OBJECT_MISSING',
  ReferenceDataUnavailable: 'REFERENCE_DATA_UNAVAILABLE',
  ReferenceSourceMissing: 'REFERENCE_SOURCE_MISSING',
  ReferenceSourceInvalid: 'REFERENCE_SOURCE_INVALID',
  ReferenceLoadFailed: 'REFERENCE_LOAD_FAILED',
  ReferenceParseFailed: 'REFERENCE_PARSE_FAILED',
  InvalidTextFilePath: 'INVALID_TEXT_FILE_PATH',
  TextFileWriteFailed: 'TEXT_FILE_WRITE_FAILED',
  InvalidTableRow: 'INVALID_TABLE_ROW',
  TableWriteFailed: 'TABLE_WRITE_FAILED',
  RowTooLarge: 'ROW_TOO_LARGE',
  MalformedEnvelope: 'MALFORMED_ENVELOPE',
  PartitionHistoryMismatch: 'PARTITION_HISTORY_MISMATCH',
  InvalidFailureRecord: 'INVALID_FAILURE_RECORD',
  RecoveryUndecidable: 'RECOVERY_UNDECIDABLE',
  RecordsExpired: 'RECORDS_EXPIRED',
  ProgressForwardFailed: 'PROGRESS_FORWARD_FAILED',
} as const;

/** One of the {@link ErrorCode} values. */
export type ErrorCode = (typeof ErrorCode)[keyof typeof ErrorCode];

/**
 * Base class of every error Sparkless raises on purpose. Carries a stable {@link ErrorCode}
 * and, where there is one, the underlying `cause`.
 */
export class SparklessError extends Error {
  /** Stable machine-readable code. */
  public readonly code: ErrorCode;

  public constructor(code: ErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = new.target.name;
    this.code = code;
  }
}

/** A record's bytes could not be decoded (bad UTF-8, bad JSON, ...). */
export class DecodeError extends SparklessError {
  public constructor(message: string, options?: { cause?: unknown }) {
    super(ErrorCode.DecodeFailed, message, options);
  }
}

/**
 * A record's envelope (what the event source wraps around the payload: a Kinesis event record, an
 * S3 notification record) is missing a field or carries an invalid one. The record never reaches
 * the pipeline: it is dead-lettered with its JSON and the rest of the event is processed.
 */
export class MalformedEnvelopeError extends SparklessError {
  /** The field at fault, as a path in the envelope (`kinesis.data`, `eventID`, `s3.object.key`). */
  public readonly field: string;

  public constructor(field: string, problem: string, options?: { cause?: unknown }) {
    super(ErrorCode.MalformedEnvelope, `malformed envelope: ${field} ${problem}`, options);
    this.field = field;
  }
}

/** A pipeline definition is not valid (raised while building it, before any data flows). */
export class InvalidPipelineError extends SparklessError {
  public constructor(message: string) {
    super(ErrorCode.InvalidPipeline, message);
  }
}

/** Configuration is missing or wrong; the message names the fix. */
export class InvalidConfigurationError extends SparklessError {
  public constructor(message: string, options?: { cause?: unknown }) {
    super(ErrorCode.InvalidConfiguration, message, options);
  }
}

/**
 * User code (a function given to an operator) threw. `stage` names the operator so the
 * dead-letter entry says where it happened.
 */
export class UserCodeError extends SparklessError {
  /** The operator whose function threw, e.g. `map#2`. */
  public readonly stage: string;

  public constructor(stage: string, cause: unknown) {
    super(ErrorCode.UserCodeFailed, `${stage} threw: ${describeError(cause)}`, { cause });
    this.stage = stage;
  }
}

/**
 * A key's state (its JSON, with the key) would exceed the largest state Sparkless stores
 * (`MAX_STATE_BYTES`): the key's values are dead-lettered and its stored state is left as it was.
 */
export class StateTooLargeError extends SparklessError {
  /** The operator whose state it is. */
  public readonly operatorId: string;
  /** The size the state would have taken, in bytes of UTF-8 JSON (key included). */
  public readonly bytes: number;
  /** The largest size allowed, in bytes. */
  public readonly limitBytes: number;

  public constructor(operatorId: string, keyPreview: string, bytes: number, limitBytes: number) {
    super(
      ErrorCode.StateTooLarge,
      `${operatorId}: the state of key ${keyPreview} would take ${bytes} bytes of JSON (key included), above the ${limitBytes} bytes (${limitBytes / 1024 / 1024} MiB) a key's state may take; its values were dead-lettered and its stored state left as it was: keep a smaller state (aggregates rather than copies of the input)`,
    );
    this.operatorId = operatorId;
    this.bytes = bytes;
    this.limitBytes = limitBytes;
  }
}

/** A one-line description of anything thrown. */
export function describeError(error: unknown): string {
  if (error instanceof Error) return `${error.name}: ${error.message}`;
  return String(error);
}

/** The stable code of an error (for metrics and failure events): `SparklessError.code`, else the error's name. */
export function errorCodeOf(error: unknown): string {
  if (error instanceof SparklessError) return error.code;
  return error instanceof Error ? error.name : 'UNKNOWN';
}
