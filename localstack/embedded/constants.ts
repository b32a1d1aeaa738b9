/** Port LocalStack's edge endpoint listens on, reused so tools configured for LocalStack work unchanged. */
export const DEFAULT_PORT = 4566;

/** Region the stack reports and the clients sign for when none is given. */
export const DEFAULT_REGION = 'us-east-1';

/** Data directory, relative to the current working directory, used when persisting and none is given. */
export const DEFAULT_DATA_DIR = '.data/localstack';

/** Every emulator and the endpoint bind this address only: nothing is reachable from the network. */
export const LOOPBACK_HOST = '127.0.0.1';

/** Account id the emulators put in ARNs (LocalStack's default). */
export const LOCAL_ACCOUNT_ID = '000000000000';

/**
 * Credentials the local stack expects (LocalStack's convention). Any access key id is accepted,
 * these are just the ones examples and {@link createAwsClients} use.
 */
export const LOCAL_CREDENTIALS = { accessKeyId: 'test', secretAccessKey: 'test' } as const;

/** The services the embedded stack emulates. */
export const EmulatedService = {
  kinesis: 'kinesis',
  dynamodb: 'dynamodb',
  s3: 's3',
} as const;

/** Name of one emulated service. */
export type EmulatedService = (typeof EmulatedService)[keyof typeof EmulatedService];

/** The emulator engine behind each service (reported by the health route, so benches can say what they ran on). */
export const EMULATOR_ENGINES = {
  kinesis: 'kinesis-local',
  dynamodb: 'dynalite',
  s3: 's3rver',
} as const satisfies Record<EmulatedService, string>;

/** `X-Amz-Target` prefixes of the JSON-protocol services; requests without a target go to S3. */
export const TARGET_PREFIXES = {
  kinesis: 'Kinesis_20131202.',
  dynamodb: 'DynamoDB_20120810.',
} as const;

/** LocalStack's health route, answered by the endpoint itself. */
export const HEALTH_PATH = '/_localstack/health';

/** How long an emulator may take to report ready before start fails. */
export const DEFAULT_START_TIMEOUT_MS = 30_000;

/** How long an emulator may take to shut down gracefully before it is killed. */
export const STOP_TIMEOUT_MS = 10_000;
