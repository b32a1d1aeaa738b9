import { DEFAULT_PORT, DEFAULT_REGION, DEFAULT_START_TIMEOUT_MS } from './constants.js';
import { LocalStackError, LocalStackErrorCode } from './errors.js';
import { DEFAULT_KINESIS_SNAPSHOT_INTERVAL_MS } from './kinesis-config.js';
import type { EmbeddedStackOptions } from './types.js';

/** {@link EmbeddedStackOptions} with defaults applied and values validated. */
export interface ResolvedStackOptions {
  /** Endpoint port (0: any free port). */
  readonly port: number;
  /** Keep data across restarts. */
  readonly persist: boolean;
  /** Persistent data directory as given (`undefined`: the default, or temporary data). */
  readonly dataDir: string | undefined;
  /** Reported region. */
  readonly region: string;
  /** Ready timeout per emulator process. */
  readonly startTimeoutMs: number;
  /** Forward emulator logs. */
  readonly verbose: boolean;
  /** Kinesis snapshot interval when persisting. */
  readonly kinesisSnapshotIntervalMs: number;
  /** Event lines (emulator restarts). */
  readonly log: (line: string) => void;
}

function invalid(message: string): LocalStackError {
  return new LocalStackError(LocalStackErrorCode.invalidOptions, message);
}

/**
 * Applies defaults and validates, echoing the offending value.
 *
 * @throws {@link LocalStackError} with code `INVALID_OPTIONS`.
 */
export function resolveStackOptions(options: EmbeddedStackOptions): ResolvedStackOptions {
  const port = options.port ?? DEFAULT_PORT;
  if (!Number.isInteger(port) || port < 0 || port > 65_535) {
    throw invalid(`port must be an integer between 0 and 65535 inclusive (given ${port})`);
  }
  const persist = options.persist ?? true;
  if (!persist && options.dataDir !== undefined) {
    throw invalid(
      `dataDir cannot be combined with persist: false (given dataDir ${JSON.stringify(options.dataDir)})`,
    );
  }
  if (options.dataDir !== undefined && options.dataDir.trim() === '') {
    throw invalid('dataDir must not be empty (given "")');
  }
  const region = options.region ?? DEFAULT_REGION;
  if (!/^[a-z]{2}(-[a-z]+)+-\d+$/.test(region)) {
    throw invalid(`region must look like us-east-1 (given ${JSON.stringify(region)})`);
  }
  const startTimeoutMs = options.startTimeoutMs ?? DEFAULT_START_TIMEOUT_MS;
  if (!Number.isFinite(startTimeoutMs) || startTimeoutMs <= 0) {
    throw invalid(`startTimeoutMs must be a positive number of milliseconds (given ${startTimeoutMs})`);
  }
  const kinesisSnapshotIntervalMs = options.kinesisSnapshotIntervalMs ?? DEFAULT_KINESIS_SNAPSHOT_INTERVAL_MS;
  if (!Number.isInteger(kinesisSnapshotIntervalMs) || kinesisSnapshotIntervalMs < 10) {
    throw invalid(
      `kinesisSnapshotIntervalMs must be an integer number of milliseconds >= 10 (given ${kinesisSnapshotIntervalMs})`,
    );
  }
  return {
    port,
    kinesisSnapshotIntervalMs,
    persist,
    dataDir: options.dataDir,
    region,
    startTimeoutMs,
    verbose: options.verbose ?? false,
    log: options.log ?? ((line) => process.stderr.write(`[localstack] ${line}\n`)),
  };
}
