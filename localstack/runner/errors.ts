/** Stable codes of the errors the local runner raises. */
export const LocalRunnerErrorCode = {
  /** A poller or deployer option is out of range or contradictory. */
  InvalidConfig: 'INVALID_LOCAL_RUNNER_CONFIG',
  /** The file of seen object versions cannot be read, parsed or written. */
  SeenObjectsFile: 'SEEN_OBJECTS_FILE',
} as const;

/** One of the {@link LocalRunnerErrorCode} values. */
export type LocalRunnerErrorCode = (typeof LocalRunnerErrorCode)[keyof typeof LocalRunnerErrorCode];

/** Base class of the local runner's errors, with a stable code and the underlying `cause`. */
export class LocalRunnerError extends Error {
  /** Stable machine-readable code. */
  public readonly code: LocalRunnerErrorCode;

  public constructor(code: LocalRunnerErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = new.target.name;
    this.code = code;
  }
}
