/** Stable codes of {@link LocalStackError}, for callers that branch on the failure. */
export const LocalStackErrorCode = {
  /** The options passed to `startEmbeddedStack` are invalid. */
  invalidOptions: 'INVALID_OPTIONS',
  /** Another running stack uses the same persistent data directory. */
  dataDirInUse: 'DATA_DIR_IN_USE',
  /** The endpoint port is taken by another process. */
  portInUse: 'PORT_IN_USE',
  /** An emulator process exited or failed before it was ready. */
  emulatorStartFailed: 'EMULATOR_START_FAILED',
  /** An emulator process did not report ready in time. */
  emulatorStartTimeout: 'EMULATOR_START_TIMEOUT',
  /** An emulator process did not stop cleanly and had to be killed. */
  emulatorStopFailed: 'EMULATOR_STOP_FAILED',
} as const;

/** One of the {@link LocalStackErrorCode} values. */
export type LocalStackErrorCode = (typeof LocalStackErrorCode)[keyof typeof LocalStackErrorCode];

/**
 * Base class of every error the local stack throws.
 *
 * @example
 * ```ts
 * try {
 *   await startEmbeddedStack({ port: 4566 });
 * } catch (error) {
 *   if (error instanceof LocalStackError && error.code === LocalStackErrorCode.portInUse) {
 *     // another stack (or real LocalStack) already runs on 4566
 *   }
 * }
 * ```
 */
export class LocalStackError extends Error {
  /** Stable machine-readable code. */
  public readonly code: LocalStackErrorCode;

  public constructor(code: LocalStackErrorCode, message: string, options?: { readonly cause?: unknown }) {
    super(message, options);
    this.name = 'LocalStackError';
    this.code = code;
  }
}

/** The endpoint could not bind its port because another process holds it. */
export class PortInUseError extends LocalStackError {
  /** The port that was requested. */
  public readonly port: number;

  public constructor(port: number, options?: { readonly cause?: unknown }) {
    super(
      LocalStackErrorCode.portInUse,
      `port ${port} on 127.0.0.1 is already in use (is another local stack or LocalStack running?); ` +
        'stop it, or pass port: 0 to pick a free port',
      options,
    );
    this.name = 'PortInUseError';
    this.port = port;
  }
}

/** The codes an {@link EmulatorStartError} can carry. */
export type EmulatorStartErrorCode =
  typeof LocalStackErrorCode.emulatorStartFailed | typeof LocalStackErrorCode.emulatorStartTimeout;

/** An emulator child process failed to start; carries the tail of its output for diagnosis. */
export class EmulatorStartError extends LocalStackError {
  /** Which emulator process failed (`kinesis` or `dynamodb+s3`). */
  public readonly emulator: string;
  /** The last lines the process wrote to stdout/stderr. */
  public readonly output: string;

  public constructor(
    code: EmulatorStartErrorCode,
    emulator: string,
    reason: string,
    output: string,
    options?: { readonly cause?: unknown },
  ) {
    super(
      code,
      `${emulator} emulator failed to start: ${reason}${output ? `\n--- output ---\n${output}` : ''}`,
      options,
    );
    this.name = 'EmulatorStartError';
    this.emulator = emulator;
    this.output = output;
  }
}

/** An emulator process did not exit within the stop timeout and was killed: its last writes may be lost. */
export class EmulatorStopError extends LocalStackError {
  /** Names of the emulator processes that had to be killed. */
  public readonly emulators: readonly string[];

  public constructor(emulators: readonly string[]) {
    super(
      LocalStackErrorCode.emulatorStopFailed,
      `${emulators.join(', ')} did not shut down in time and had to be killed; recent data may not be persisted`,
    );
    this.name = 'EmulatorStopError';
    this.emulators = emulators;
  }
}
