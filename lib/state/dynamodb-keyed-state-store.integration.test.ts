import { type DynamoDBClient, PutItemCommand } from '@aws-sdk/client-dynamodb';
import type { S3Client } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAwsClients } from '../../localstack/clients';
import { type EmbeddedStack, startEmbeddedStack } from '../../localstack/embedded';
import { ensureBucket, ensureStateTable } from '../../localstack/setup/state-table';
import { S3ObjectStore } from '../storage';
import { DynamoDbKeyedStateStore } from './dynamodb-keyed-state-store';
import { DynamoDbLimits } from './dynamodb-limits';
import { keyedStateStoreContract } from './keyed-state-store.contract';

const TABLE = 'state-store-test';
const BUCKET = 'state-store-test';

describe('Integration: DynamoDbKeyedStateStore on the embedded stack (DynamoDB and S3 emulators)', () => {
  let stack: EmbeddedStack;
  let dynamodb: DynamoDBClient;
  let s3: S3Client;
  let namespaces = 0;

  beforeAll(async () => {
    stack = await startEmbeddedStack({ port: 0, persist: false });
    ({ dynamodb, s3 } = createAwsClients({ endpoint: stack.endpoint, region: stack.region }));
    await ensureStateTable(dynamodb, TABLE);
    await ensureBucket(s3, BUCKET);
  });

  afterAll(async () => {
    dynamodb?.destroy();
    s3?.destroy();
    await stack?.stop();
  });

  describe('Contract: KeyedStateStore', () => {
    keyedStateStoreContract(async () => {
      const namespace = `contract-${++namespaces}`;
      const objects = new S3ObjectStore({ client: s3, bucket: BUCKET });
      const store = new DynamoDbKeyedStateStore({
        client: dynamodb,
        tableName: TABLE,
        namespace,
        largeStates: objects,
      });
      return { store, objects, namespace };
    });
  });

  describe('Emulator fidelity: the limits the adapter works around are enforced by the emulator too', () => {
    it('refuses a partition key of 2,049 bytes and an item of 400 KB + 1 byte', async () => {
      // Prepare
      const put = (pk: string, padding: number) =>
        dynamodb.send(
          new PutItemCommand({
            TableName: TABLE,
            Item: { pk: { S: pk }, sk: { S: 's' }, v: { S: 'v'.repeat(padding) } },
          }),
        );
      // 'pk' + 'sk' + 's' + 'v' and the partition key's bytes besides the padding
      const itemOf = (bytes: number) => bytes - (2 + 2 + 1 + 1 + 'fits'.length);

      // Act / Assess
      await expect(put('p'.repeat(DynamoDbLimits.PARTITION_KEY_BYTES + 1), 1)).rejects.toMatchObject({
        name: 'ValidationException',
        message: expect.stringMatching(/Size of hashkey has exceeded the maximum size limit/),
      });
      await expect(put('fits', itemOf(DynamoDbLimits.ITEM_BYTES + 1))).rejects.toMatchObject({
        name: 'ValidationException',
        message: expect.stringMatching(/Item size has exceeded the maximum allowed size/),
      });
      await expect(put('fits', itemOf(DynamoDbLimits.ITEM_BYTES))).resolves.toBeDefined();
    });
  });
});
