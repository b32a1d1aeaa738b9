import { LOCAL_ACCOUNT_ID, LOCAL_CREDENTIALS } from './constants.js';
import { type EmulatorProcess, spawnEmulatorProcess } from './emulator-process.js';
import { EmulatorStartError } from './errors.js';
import { findFreePorts } from './free-port.js';
import type { EmulatorHostConfig } from './host-config.js';
import { kinesisEnvironment } from './kinesis-config.js';

/** Settings both emulator processes share. */
export interface EmulatorLaunchOptions {
  /** Region for ARNs. */
  readonly region: string;
  /** Ready timeout per process. */
  readonly startTimeoutMs: number;
  /** Forward emulator logs. */
  readonly verbose: boolean;
}

/** Domain for virtual-host style S3 requests (`<bucket>.s3.localhost.localstack.cloud`), as in LocalStack. */
const S3_SERVICE_ENDPOINT = 'localhost.localstack.cloud';
/** Attempts at starting kinesis-local, whose ports are chosen before it binds them and so may be taken meanwhile. */
const KINESIS_START_ATTEMPTS = 3;

/**
 * Starts kinesis-local in its own process, on two explicitly chosen free loopback ports (plain HTTP,
 * which the endpoint uses, and the TLS one it always opens). Ports reported as `plain` and `tls`.
 */
export async function startKinesisEmulator(
  options: EmulatorLaunchOptions & {
    readonly persistPath: string | undefined;
    /** Milliseconds between two snapshots when persisting. */
    readonly snapshotIntervalMs: number;
    /** Ports to try first (a restarted emulator keeps its predecessor's, so its endpoint stays valid). */
    readonly preferredPorts?: Readonly<Record<string, number>>;
  },
): Promise<EmulatorProcess> {
  for (let attempt = 1; ; attempt++) {
    const preferred = attempt === 1 ? options.preferredPorts : undefined;
    const [plainPort, tlsPort] =
      preferred?.plain !== undefined && preferred.tls !== undefined
        ? [preferred.plain, preferred.tls]
        : await findFreePorts(2);
    if (plainPort === undefined || tlsPort === undefined)
      throw new Error('findFreePorts returned too few ports');
    try {
      return await spawnEmulatorProcess({
        name: 'kinesis',
        entry: 'kinesis-process',
        nodeFlags: [],
        args: [],
        env: kinesisEnvironment({
          plainPort,
          tlsPort,
          region: options.region,
          accountId: LOCAL_ACCOUNT_ID,
          persistPath: options.persistPath,
          snapshotIntervalMs: options.snapshotIntervalMs,
          verbose: options.verbose,
        }),
        startTimeoutMs: options.startTimeoutMs,
        verbose: options.verbose,
      });
    } catch (error) {
      const portTaken = error instanceof EmulatorStartError && error.output.includes('EADDRINUSE');
      if (!portTaken || attempt >= KINESIS_START_ATTEMPTS) throw error;
    }
  }
}

/**
 * Starts dynalite and s3rver together in one process run with `--openssl-legacy-provider`
 * (s3rver encrypts ListObjectsV2 continuation tokens with DES). Ports reported as `dynamodb` and `s3`.
 */
export function startDynamoDbAndS3Emulator(
  options: EmulatorLaunchOptions & {
    readonly dynamodbPath: string | undefined;
    readonly s3Directory: string;
  },
): Promise<EmulatorProcess> {
  const config: EmulatorHostConfig = {
    ...(options.dynamodbPath === undefined ? {} : { dynamodbPath: options.dynamodbPath }),
    s3Directory: options.s3Directory,
    s3ServiceEndpoint: S3_SERVICE_ENDPOINT,
    accessKeys: [LOCAL_CREDENTIALS],
  };
  return spawnEmulatorProcess({
    name: 'dynamodb+s3',
    entry: 'emulator-host-process',
    nodeFlags: ['--openssl-legacy-provider'],
    args: [JSON.stringify(config)],
    env: {},
    startTimeoutMs: options.startTimeoutMs,
    verbose: options.verbose,
  });
}
