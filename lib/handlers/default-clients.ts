import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { S3Client } from '@aws-sdk/client-s3';
import { NodeHttpHandler } from '@smithy/node-http-handler';

/**
 * The SDK retry settings of the handler's clients: 8 attempts with the adaptive mode (exponential backoff with
 * jitter plus client-side rate limiting on throttling). The local runner's clients use the same.
 */
export const HANDLER_SDK_RETRY = { maxAttempts: 8, retryMode: 'adaptive' } as const;

/** The AWS clients the Kinesis handler uses. */
export interface HandlerClients {
  readonly dynamodb: DynamoDBClient;
  readonly s3: S3Client;
}

/**
 * Clients for the Lambda environment: HTTP/1.1 keep-alive, adaptive retries with backoff
 * for throttling. `AWS_ENDPOINT_URL` (LocalStack, the embedded stack) is honoured by the
 * SDK itself; S3 then needs path-style addressing.
 */
export function createDefaultClients(env: Readonly<Record<string, string | undefined>>): HandlerClients {
  const local = env.AWS_ENDPOINT_URL !== undefined;
  const requestHandler = new NodeHttpHandler({ connectionTimeout: 3_000, requestTimeout: 30_000 });
  return {
    dynamodb: new DynamoDBClient({ requestHandler, ...HANDLER_SDK_RETRY }),
    s3: new S3Client({
      requestHandler,
      ...HANDLER_SDK_RETRY,
      forcePathStyle: local,
      ...(local
        ? { requestChecksumCalculation: 'WHEN_REQUIRED', responseChecksumValidation: 'WHEN_REQUIRED' }
        : {}),
    }),
  };
}
