import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { afterAll, beforeAll } from 'vitest';
import { createAwsClients } from '../../localstack/clients';
import { type EmbeddedStack, startEmbeddedStack } from '../../localstack/embedded';
import { ensureStateTable } from '../../localstack/setup/state-table';

/** A state table on the embedded stack, for the tests of one `describe` block. */
export interface EmbeddedStateTable {
  /** The DynamoDB client talking to the embedded stack over HTTP (call inside tests or hooks). */
  readonly dynamodb: () => DynamoDBClient;
  /** A new namespace on every call, so each case starts from empty ledgers and state. */
  readonly namespace: () => string;
}

/**
 * Starts the embedded stack before the enclosing `describe` block's tests, creates the state table
 * `tableName` the way the construct does, and stops everything after them.
 */
export function useEmbeddedStateTable(tableName: string): EmbeddedStateTable {
  let stack: EmbeddedStack | undefined;
  let client: DynamoDBClient | undefined;
  let namespaces = 0;

  beforeAll(async () => {
    stack = await startEmbeddedStack({ port: 0, persist: false });
    client = createAwsClients({ endpoint: stack.endpoint, region: stack.region }).dynamodb;
    await ensureStateTable(client, tableName);
  });

  afterAll(async () => {
    client?.destroy();
    await stack?.stop();
  });

  return {
    dynamodb: () => {
      if (client === undefined) throw new Error('the embedded stack is not started (use it inside tests)');
      return client;
    },
    namespace: () => `${tableName}-${++namespaces}`,
  };
}
