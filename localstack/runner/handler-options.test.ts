import { describe, expect, it } from 'vitest';
import { HANDLER_SDK_RETRY } from '../../lib/handlers';
import { localRunnerClients } from './handler-options';

describe('Function: localRunnerClients', () => {
  it('gives the local runner the deployed handler’s SDK retry settings (8 attempts, adaptive)', async () => {
    // Prepare
    const endpoint = 'http://127.0.0.1:4566';

    // Act
    const clients = localRunnerClients(endpoint, 'eu-west-1');

    // Assess
    expect(HANDLER_SDK_RETRY).toEqual({ maxAttempts: 8, retryMode: 'adaptive' });
    for (const client of [clients.kinesis, clients.dynamodb, clients.s3]) {
      expect(await client.config.maxAttempts()).toBe(HANDLER_SDK_RETRY.maxAttempts);
      expect(client.config.retryMode).toBe(HANDLER_SDK_RETRY.retryMode);
      expect(await client.config.region()).toBe('eu-west-1');
    }
  });
});
