import type { EmulatedService } from './constants.js';

/** Options of {@link startEmbeddedStack}. */
export interface EmbeddedStackOptions {
  /**
   * Port of the single LocalStack-style endpoint, on 127.0.0.1. `0` picks a free port
   * (read it back from {@link EmbeddedStack.endpoint}); use that in tests.
   *
   * @default 4566 (LocalStack's edge port)
   */
  readonly port?: number;
  /**
   * Keep the emulators' data on disk so that a restart with the same directory loses nothing.
   * `false` runs DynamoDB and Kinesis in memory and S3 in a fresh temporary directory that
   * `stop()` deletes: the mode for tests.
   *
   * @default true
   */
  readonly persist?: boolean;
  /**
   * Directory all emulators persist to (`kinesis/`, `dynamodb/`, `s3/` inside it), created if missing.
   * Relative paths resolve against the current working directory. Not allowed with `persist: false`.
   *
   * @default `.data/localstack` under the current working directory
   */
  readonly dataDir?: string;
  /**
   * Region the stack reports and Kinesis puts into ARNs by default.
   *
   * @default 'us-east-1'
   */
  readonly region?: string;
  /**
   * How long each emulator may take to report ready, in milliseconds.
   *
   * @default 30000
   */
  readonly startTimeoutMs?: number;
  /**
   * Forward the emulators' own logs to this process's stderr, prefixed with the emulator name.
   * Otherwise only the last lines are kept and attached to a start error.
   *
   * @default false
   */
  readonly verbose?: boolean;
  /**
   * With a persistent data directory, milliseconds between two snapshots of the Kinesis emulator. Kinesis
   * acknowledges a call only once a snapshot holds it (so a crash never loses an acknowledged put), which adds
   * ~2-3 intervals to every Kinesis call; each snapshot serializes every stream, so a shorter interval costs
   * CPU in proportion to the data held while requests come in (an idle emulator pauses its snapshots for up to
   * 5 s). Measured at 250 ms: 10,000 records put in 500-record calls in ~30-35 s (21 s without persistence);
   * idle with those 2.5 MB, ~4% of a core.
   *
   * @default 250
   */
  readonly kinesisSnapshotIntervalMs?: number;
  /**
   * Where the stack reports events worth a line: an emulator process that exited unexpectedly and was restarted.
   *
   * @default a `[localstack] …` line on stderr
   */
  readonly log?: (line: string) => void;
}

/** Where one emulator listens, for tools that want to bypass the shared endpoint. */
export interface EmulatorEndpoint {
  /** `http://127.0.0.1:<port>` of the emulator itself. */
  readonly endpoint: string;
  /** The emulator engine, e.g. `kinesis-local`. */
  readonly engine: string;
  /** Id of the process serving it now (a restarted emulator has another; DynamoDB and S3 share one). */
  readonly pid: number;
}

/** A running embedded stack, returned by {@link startEmbeddedStack}. */
export interface EmbeddedStack {
  /** The single endpoint for all services, e.g. `http://127.0.0.1:4566`; pass it as `endpoint` or `AWS_ENDPOINT_URL`. */
  readonly endpoint: string;
  /** The region the stack reports. */
  readonly region: string;
  /** Directory the emulators write to (a temporary one when not persisting). */
  readonly dataDir: string;
  /** Whether data survives `stop()`. */
  readonly persistent: boolean;
  /** The emulators behind the endpoint (a restarted emulator may listen on other ports). */
  readonly services: Readonly<Record<EmulatedService, EmulatorEndpoint>>;
  /** Wall-clock milliseconds from the call to the stack being ready. */
  readonly startupMs: number;
  /** How many times an emulator process exited unexpectedly (each restarted, or held down by {@link holdRestarts}). */
  emulatorRestarts(): number;
  /**
   * Holds the restarts of the process serving `service` (Kinesis alone; DynamoDB and S3 share one) until the
   * returned function is called: if that process exits meanwhile, it stays down (requests fail with 502) and is
   * restarted with its data directory on release. For tests of an outage longer than a restart takes.
   * `stop()` releases every hold.
   *
   * @example
   * ```ts
   * const release = stack.holdRestarts('dynamodb');
   * process.kill(stack.services.dynamodb.pid, 'SIGKILL'); // DynamoDB and S3 are down until release()
   * // ... assert what happens during the outage
   * release();
   * ```
   */
  holdRestarts(service: EmulatedService): () => void;
  /**
   * Stops the endpoint and every emulator process (gracefully, so persisted data is flushed),
   * releases all ports and deletes the temporary data directory when not persisting.
   * Safe to call more than once.
   */
  stop(): Promise<void>;
}

/** Status of one service as reported by the health route (LocalStack's vocabulary). */
export type ServiceStatus = 'running' | 'error';

/** Body of `GET /_localstack/health`, shaped like LocalStack's. */
export interface HealthReport {
  /** Status of every emulated service. */
  readonly services: Readonly<Record<EmulatedService, ServiceStatus>>;
  /** Engine behind every service. */
  readonly engines: Readonly<Record<EmulatedService, string>>;
  /** Always `embedded`, so tools can tell this stack from real LocalStack. */
  readonly edition: 'embedded';
  /** The region the stack reports. */
  readonly region: string;
}
