/**
 * AWS SDK v3 clients for Kinesis, DynamoDB and S3, configured for the local stack (embedded or
 * LocalStack) when an endpoint is given, and left to the SDK's defaults for real AWS otherwise.
 */
import { Agent } from 'node:http';
import { Agent as HttpsAgent } from 'node:https';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { KinesisClient } from '@aws-sdk/client-kinesis';
import { S3Client } from '@aws-sdk/client-s3';
import { NodeHttpHandler } from '@smithy/node-http-handler';
import { DEFAULT_REGION, LOCAL_CREDENTIALS } from './embedded/constants.js';

/** Options of {@link createAwsClients}. */
export interface AwsClientsConfig {
  /**
   * One endpoint for all three services, e.g. the embedded stack's `http://127.0.0.1:4566`.
   *
   * @default `AWS_ENDPOINT_URL_<SERVICE>` or `AWS_ENDPOINT_URL` from the environment; unset means real AWS
   */
  readonly endpoint?: string;
  /**
   * Region to sign for.
   *
   * @default `AWS_REGION` / `AWS_DEFAULT_REGION`; `us-east-1` for a local endpoint; otherwise the SDK's region chain
   */
  readonly region?: string;
  /**
   * SDK retry settings for all three clients, e.g. the deployed handler's `HANDLER_SDK_RETRY`
   * (`{ maxAttempts: 8, retryMode: 'adaptive' }`).
   *
   * @default the SDK's (3 attempts, standard mode)
   */
  readonly retry?: { readonly maxAttempts: number; readonly retryMode: 'standard' | 'adaptive' };
}

/** The clients {@link createAwsClients} returns. */
export interface AwsClients {
  /** Kinesis Data Streams client. */
  readonly kinesis: KinesisClient;
  /** DynamoDB client. */
  readonly dynamodb: DynamoDBClient;
  /** S3 client. */
  readonly s3: S3Client;
}

/** Host names that always mean "a local emulator", never AWS. */
const LOCAL_HOSTS: ReadonlySet<string> = new Set([
  'localhost',
  '127.0.0.1',
  '[::1]',
  '0.0.0.0',
  'host.docker.internal',
  'localstack',
  'localhost.localstack.cloud',
]);

/**
 * Whether an endpoint points at a local emulator (loopback, `*.localhost`, LocalStack's host names),
 * the only case in which {@link createAwsClients} supplies the fixed test credentials.
 */
export function isLocalEndpoint(endpoint: string): boolean {
  let hostname: string;
  try {
    hostname = new URL(endpoint).hostname.toLowerCase();
  } catch {
    return false;
  }
  return (
    LOCAL_HOSTS.has(hostname) ||
    hostname.endsWith('.localhost') ||
    hostname.endsWith('.localhost.localstack.cloud') ||
    /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(hostname)
  );
}

type ServiceEnvName = 'KINESIS' | 'DYNAMODB' | 'S3';

function endpointFor(service: ServiceEnvName, config: AwsClientsConfig): string | undefined {
  const fromEnv = process.env[`AWS_ENDPOINT_URL_${service}`] ?? process.env.AWS_ENDPOINT_URL;
  const endpoint = config.endpoint ?? fromEnv;
  return endpoint === '' ? undefined : endpoint;
}

/** Settings for a client pointed at an emulator endpoint. */
function emulatorSettings(endpoint: string, region: string | undefined) {
  const local = isLocalEndpoint(endpoint);
  const resolvedRegion = region ?? (local ? DEFAULT_REGION : undefined);
  return {
    endpoint,
    ...(resolvedRegion === undefined ? {} : { region: resolvedRegion }),
    ...(local ? { credentials: { ...LOCAL_CREDENTIALS } } : {}),
    // HTTP/1.1 keep-alive: the SDK's HTTP/2 handler (Kinesis' default) fails a share of calls
    // against kinesis-local.
    requestHandler: new NodeHttpHandler({
      httpAgent: new Agent({ keepAlive: true, maxSockets: 64 }),
      httpsAgent: new HttpsAgent({ keepAlive: true, maxSockets: 64 }),
    }),
  };
}

/**
 * Creates Kinesis, DynamoDB and S3 clients.
 *
 * With an endpoint (given, or from `AWS_ENDPOINT_URL_<SERVICE>` / `AWS_ENDPOINT_URL`) they are set up
 * for an emulator: an HTTP/1.1 keep-alive `NodeHttpHandler`, S3 path-style addressing, and S3
 * checksums only where the API requires them (s3rver stores streamed `aws-chunked` bodies verbatim).
 * The fixed test credentials (and the `us-east-1` default region) are supplied only when the endpoint
 * is local ({@link isLocalEndpoint}); any other endpoint uses the SDK's credential chain, so these
 * clients never send made-up credentials anywhere else. Without an endpoint they are plain SDK
 * clients for real AWS.
 *
 * @example
 * ```ts
 * const stack = await startEmbeddedStack({ port: 0, persist: false });
 * const { kinesis, dynamodb, s3 } = createAwsClients({ endpoint: stack.endpoint, region: stack.region });
 * ```
 */
export function createAwsClients(config: AwsClientsConfig = {}): AwsClients {
  const region = config.region ?? process.env.AWS_REGION ?? process.env.AWS_DEFAULT_REGION;
  const settingsFor = (service: ServiceEnvName) => {
    const endpoint = endpointFor(service, config);
    return {
      ...(endpoint === undefined
        ? region === undefined
          ? {}
          : { region }
        : emulatorSettings(endpoint, region)),
      ...config.retry,
    };
  };
  const s3Endpoint = endpointFor('S3', config);
  return {
    kinesis: new KinesisClient(settingsFor('KINESIS')),
    dynamodb: new DynamoDBClient(settingsFor('DYNAMODB')),
    s3: new S3Client({
      ...settingsFor('S3'),
      ...(s3Endpoint === undefined
        ? {}
        : {
            forcePathStyle: true,
            requestChecksumCalculation: 'WHEN_REQUIRED',
            responseChecksumValidation: 'WHEN_REQUIRED',
          }),
    }),
  };
}
