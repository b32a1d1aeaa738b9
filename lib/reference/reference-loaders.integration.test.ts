import {
  CreateTableCommand,
  DescribeTableCommand,
  type DynamoDBClient,
  PutItemCommand,
  ScanCommand,
} from '@aws-sdk/client-dynamodb';
import { PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { createAwsClients } from '../../localstack/clients';
import { type EmbeddedStack, startEmbeddedStack } from '../../localstack/embedded';
import { ensureBucket } from '../../localstack/setup/state-table';
import { dynamoDbTable, ManualClock, referenceData, s3Json } from '../core';
import { DynamoDbTableReferenceLoader } from './dynamodb-table-reference-loader';
import { ReferenceDataErrorCode } from './errors';
import { ReferenceDataCache } from './reference-data-cache';
import { S3JsonReferenceLoader } from './s3-json-reference-loader';

const BUCKET = 'reference-it';

async function createTable(client: DynamoDBClient, tableName: string, keyAttribute: string): Promise<void> {
  await client.send(
    new CreateTableCommand({
      TableName: tableName,
      BillingMode: 'PAY_PER_REQUEST',
      AttributeDefinitions: [{ AttributeName: keyAttribute, AttributeType: 'S' }],
      KeySchema: [{ AttributeName: keyAttribute, KeyType: 'HASH' }],
    }),
  );
  // dynalite reports CREATING until its next tick.
  for (let attempt = 0; attempt < 100; attempt++) {
    const { Table } = await client.send(new DescribeTableCommand({ TableName: tableName }));
    if (Table?.TableStatus === 'ACTIVE') return;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  throw new Error(`table ${tableName} did not become ACTIVE`);
}

describe('Integration: reference loaders on the embedded stack', () => {
  let stack: EmbeddedStack;
  let s3: S3Client;
  let dynamodb: DynamoDBClient;

  beforeAll(async () => {
    stack = await startEmbeddedStack({ port: 0, persist: false });
    ({ s3, dynamodb } = createAwsClients({ endpoint: stack.endpoint, region: stack.region }));
    await ensureBucket(s3, BUCKET);
  });

  afterAll(async () => {
    s3?.destroy();
    dynamodb?.destroy();
    await stack?.stop();
  });

  describe('Class: S3JsonReferenceLoader', () => {
    it('loads a JSON document, and names bucket and key when it is missing or invalid', async () => {
      // Prepare
      await s3.send(
        new PutObjectCommand({ Bucket: BUCKET, Key: 'lists/blacklist.json', Body: '["mallory","eve"]' }),
      );
      await s3.send(new PutObjectCommand({ Bucket: BUCKET, Key: 'lists/broken.json', Body: '{"a":' }));
      const loader = new S3JsonReferenceLoader({ client: s3 });

      // Act: each load settles before the next starts, so no rejection is left unobserved
      const loaded = await loader.load(s3Json(BUCKET, 'lists/blacklist.json'));
      const missing = await loader.load(s3Json(BUCKET, 'lists/absent.json')).catch((error: unknown) => error);
      const missingBucket = await loader
        .load(s3Json('no-such-bucket', 'x.json'))
        .catch((error: unknown) => error);
      const broken = await loader.load(s3Json(BUCKET, 'lists/broken.json')).catch((error: unknown) => error);

      // Assess
      expect(loaded).toEqual(['mallory', 'eve']);
      expect(missing).toMatchObject({ code: ReferenceDataErrorCode.SourceMissing });
      expect(String(missing)).toContain(`s3://${BUCKET}/lists/absent.json does not exist`);
      expect(missingBucket).toMatchObject({ code: ReferenceDataErrorCode.SourceMissing });
      expect(broken).toMatchObject({ code: ReferenceDataErrorCode.SourceInvalid });
      expect(String(broken)).toContain(`s3://${BUCKET}/lists/broken.json is not valid JSON`);
    });
  });

  describe('Class: DynamoDbTableReferenceLoader', () => {
    it('scans every page and keys the unmarshalled items by the key attribute', async () => {
      // Prepare
      await createTable(dynamodb, 'prices', 'sku');
      for (let i = 1; i <= 5; i++) {
        await dynamodb.send(
          new PutItemCommand({
            TableName: 'prices',
            Item: {
              sku: { S: `sku-${i}` },
              price: { N: String(i * 1.5) },
              tags: { SS: ['fruit'] },
              meta: { M: { organic: { BOOL: i % 2 === 0 } } },
            },
          }),
        );
      }
      const loader = new DynamoDbTableReferenceLoader({ client: dynamodb, pageSize: 2 });
      const send = vi.spyOn(dynamodb, 'send');

      // Act
      const loaded = await loader.load(dynamoDbTable('prices', 'sku'));
      const scans = send.mock.calls.filter(([command]) => command instanceof ScanCommand).length;
      send.mockRestore();

      // Assess
      expect(scans).toBeGreaterThanOrEqual(3);
      expect(Object.keys(loaded).sort()).toEqual(['sku-1', 'sku-2', 'sku-3', 'sku-4', 'sku-5']);
      expect(loaded['sku-2']).toEqual({ sku: 'sku-2', price: 3, tags: ['fruit'], meta: { organic: true } });
    });

    it('names the table when it is missing or an item lacks the key attribute', async () => {
      // Prepare
      await createTable(dynamodb, 'users', 'id');
      await dynamodb.send(new PutItemCommand({ TableName: 'users', Item: { id: { S: 'u1' } } }));
      const loader = new DynamoDbTableReferenceLoader({ client: dynamodb });

      // Act: each load settles before the next starts, so no rejection is left unobserved
      const missing = await loader
        .load(dynamoDbTable('no-such-table', 'id'))
        .catch((error: unknown) => error);
      const wrongKey = await loader.load(dynamoDbTable('users', 'userId')).catch((error: unknown) => error);

      // Assess
      expect(missing).toMatchObject({ code: ReferenceDataErrorCode.SourceMissing });
      expect(String(missing)).toMatch(/dynamodb:\/\/no-such-table .* does not exist/);
      expect(wrongKey).toMatchObject({ code: ReferenceDataErrorCode.SourceInvalid });
      expect(String(wrongKey)).toMatch(/without a string or number attribute "userId"/);
    });
  });

  describe('Class: ReferenceDataCache', () => {
    it('serves both real sources through parse, and the stale value when the object disappears', async () => {
      // Prepare
      await createTable(dynamodb, 'stock', 'item');
      await dynamodb.send(
        new PutItemCommand({ TableName: 'stock', Item: { item: { S: 'apple' }, count: { N: '7' } } }),
      );
      await s3.send(new PutObjectCommand({ Bucket: BUCKET, Key: 'cache/allow.json', Body: '["apple"]' }));
      const allow = referenceData<ReadonlySet<string>>('allow', {
        source: s3Json(BUCKET, 'cache/allow.json'),
        refreshIntervalMs: 1_000,
        parse: (names) => new Set(names as string[]),
      });
      const stock = referenceData<ReadonlyMap<string, { count: number }>>('stock', {
        source: dynamoDbTable('stock', 'item'),
        parse: (rows) => new Map(Object.entries(rows as Record<string, { count: number }>)),
      });
      const clock = new ManualClock(0);
      const failures: string[] = [];
      const cache = new ReferenceDataCache({
        references: [allow, stock],
        loaders: {
          s3Json: new S3JsonReferenceLoader({ client: s3 }),
          dynamoDbTable: new DynamoDbTableReferenceLoader({ client: dynamodb }),
        },
        clock,
        onRefreshError: (failure) => failures.push(`${failure.reference}: ${String(failure.error)}`),
      });

      // Act
      const first = await cache.current();
      await s3.send(new PutObjectCommand({ Bucket: BUCKET, Key: 'cache/allow.json', Body: 'not json' }));
      clock.advance(1_000);
      const second = await cache.current();

      // Assess
      expect(first.get(allow)).toEqual(new Set(['apple']));
      expect(first.get(stock).get('apple')?.count).toBe(7);
      expect(second.get(allow)).toEqual(new Set(['apple']));
      expect(failures).toEqual([expect.stringMatching(/^allow: .*cache\/allow\.json is not valid JSON/)]);
    });
  });
});
