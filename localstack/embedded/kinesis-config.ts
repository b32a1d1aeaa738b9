import { kinesisLocalCertPath } from './vendor.js';

/** What the Kinesis emulator process needs to know. */
export interface KinesisEmulatorConfig {
  /** Plain HTTP port (the one the endpoint forwards to). */
  readonly plainPort: number;
  /** TLS port kinesis-local always opens too (HTTP/2 capable, self-signed). */
  readonly tlsPort: number;
  /** Default region of streams. */
  readonly region: string;
  /** Account id in ARNs. */
  readonly accountId: string;
  /** Directory to persist the snapshot to; in memory only when absent. */
  readonly persistPath: string | undefined;
  /** Milliseconds between two snapshots when persisting (see {@link DEFAULT_KINESIS_SNAPSHOT_INTERVAL_MS}). */
  readonly snapshotIntervalMs: number;
  /** Log at INFO instead of ERROR. */
  readonly verbose: boolean;
}

/**
 * How often kinesis-local writes its snapshot when persisting. Every response waits for the second snapshot
 * after it (durable acknowledgements), so a call takes ~2-3 intervals longer; each snapshot serializes the
 * whole stream, so a shorter interval costs CPU in proportion to the data held.
 */
export const DEFAULT_KINESIS_SNAPSHOT_INTERVAL_MS = 250;

/** kinesis-local's duration settings, all zero so streams, consumers and reshards are immediate. */
const INSTANT_DURATIONS = [
  'CREATE_STREAM_DURATION',
  'DELETE_STREAM_DURATION',
  'REGISTER_STREAM_CONSUMER_DURATION',
  'DEREGISTER_STREAM_CONSUMER_DURATION',
  'START_STREAM_ENCRYPTION_DURATION',
  'STOP_STREAM_ENCRYPTION_DURATION',
  'MERGE_SHARDS_DURATION',
  'SPLIT_SHARD_DURATION',
  'UPDATE_SHARD_COUNT_DURATION',
  'UPDATE_STREAM_MODE_DURATION',
] as const;

/**
 * The environment variables kinesis-local reads (see its README), with every port set explicitly:
 * its defaults (4567/4568) collide with dynalite's and s3rver's.
 */
export function kinesisEnvironment(config: KinesisEmulatorConfig): Record<string, string> {
  return {
    KINESIS_MOCK_CERT_PATH: kinesisLocalCertPath(),
    KINESIS_MOCK_PLAIN_PORT: String(config.plainPort),
    KINESIS_MOCK_TLS_PORT: String(config.tlsPort),
    AWS_REGION: config.region,
    AWS_ACCOUNT_ID: config.accountId,
    ...Object.fromEntries(INSTANT_DURATIONS.map((name) => [name, '0ms'])),
    SHOULD_PERSIST_DATA: String(config.persistPath !== undefined),
    LOAD_DATA_IF_EXISTS: String(config.persistPath !== undefined),
    ...(config.persistPath === undefined
      ? {}
      : {
          PERSIST_PATH: config.persistPath,
          PERSIST_INTERVAL: `${config.snapshotIntervalMs}ms`,
          SPARKLESS_DURABLE_ACKS: 'true',
        }),
    LOG_LEVEL: config.verbose ? 'INFO' : 'ERROR',
    ROOT_LOG_LEVEL: 'ERROR',
  };
}
