import { afterEach, describe, expect, it } from 'vitest';
import { createAwsClients, isLocalEndpoint } from '../clients.js';

const ENV_NAMES = [
  'AWS_ENDPOINT_URL',
  'AWS_ENDPOINT_URL_S3',
  'AWS_REGION',
  'AWS_DEFAULT_REGION',
  'AWS_ACCESS_KEY_ID',
  'AWS_SECRET_ACCESS_KEY',
] as const;
const savedEnv = Object.fromEntries(ENV_NAMES.map((name) => [name, process.env[name]]));

async function endpointOf(client: {
  config: { endpoint?: () => Promise<{ hostname: string; port?: number }> };
}): Promise<string | undefined> {
  const endpoint = await client.config.endpoint?.();
  return endpoint ? `${endpoint.hostname}:${endpoint.port}` : undefined;
}

describe('Function: createAwsClients', () => {
  afterEach(() => {
    for (const name of ENV_NAMES) {
      if (savedEnv[name] === undefined) delete process.env[name];
      else process.env[name] = savedEnv[name];
    }
  });

  it('configures all three clients for a local endpoint: test credentials, us-east-1, path-style S3', async () => {
    // Prepare
    for (const name of ENV_NAMES) delete process.env[name];

    // Act
    const { kinesis, dynamodb, s3 } = createAwsClients({ endpoint: 'http://127.0.0.1:4566' });

    // Assess
    for (const client of [kinesis, dynamodb, s3]) {
      expect(await client.config.region()).toBe('us-east-1');
      expect(await client.config.credentials()).toMatchObject({
        accessKeyId: 'test',
        secretAccessKey: 'test',
      });
    }
    expect(await endpointOf(kinesis)).toBe('127.0.0.1:4566');
    expect(s3.config.forcePathStyle).toBe(true);
    expect(await s3.config.requestChecksumCalculation()).toBe('WHEN_REQUIRED');
    expect(await s3.config.responseChecksumValidation()).toBe('WHEN_REQUIRED');
  });

  it('takes the endpoint from AWS_ENDPOINT_URL, and a per-service AWS_ENDPOINT_URL_<SERVICE> over it', async () => {
    // Prepare
    process.env.AWS_ENDPOINT_URL = 'http://localhost:4566';
    process.env.AWS_ENDPOINT_URL_S3 = 'http://localhost:4570';

    // Act
    const { dynamodb, s3 } = createAwsClients({ region: 'eu-west-1' });

    // Assess
    expect(await endpointOf(dynamodb)).toBe('localhost:4566');
    expect(await endpointOf(s3)).toBe('localhost:4570');
    expect(await dynamodb.config.region()).toBe('eu-west-1');
  });

  it('leaves credentials to the default provider chain for an endpoint that is not local', async () => {
    // Prepare
    process.env.AWS_ACCESS_KEY_ID = 'from-environment';
    process.env.AWS_SECRET_ACCESS_KEY = 'secret-from-environment';

    // Act
    const { dynamodb } = createAwsClients({
      endpoint: 'https://dynamodb.eu-west-1.amazonaws.com',
      region: 'eu-west-1',
    });

    // Assess
    expect(await dynamodb.config.credentials()).toMatchObject({ accessKeyId: 'from-environment' });
  });

  it('creates plain clients for real AWS when no endpoint is configured', async () => {
    // Prepare
    for (const name of ENV_NAMES) delete process.env[name];
    process.env.AWS_ACCESS_KEY_ID = 'from-environment';
    process.env.AWS_SECRET_ACCESS_KEY = 'secret-from-environment';

    // Act
    const { s3 } = createAwsClients({ region: 'eu-west-1' });

    // Assess
    expect(await s3.config.credentials()).toMatchObject({ accessKeyId: 'from-environment' });
    expect(s3.config.forcePathStyle).toBe(false);
  });
});

describe('Function: isLocalEndpoint', () => {
  it.each([
    ['http://127.0.0.1:4566', true],
    ['http://localhost:4566', true],
    ['http://[::1]:4566', true],
    ['http://s3.localhost.localstack.cloud:4566', true],
    ['http://localstack:4566', true],
    ['https://kinesis.us-east-1.amazonaws.com', false],
    ['not a url', false],
  ])('%s -> %s', (endpoint, expected) => {
    expect(isLocalEndpoint(endpoint)).toBe(expected);
  });
});
