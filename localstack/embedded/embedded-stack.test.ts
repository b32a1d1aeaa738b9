import { mkdtemp, rm, stat } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import {
  CreateTableCommand,
  DescribeTableCommand,
  type DynamoDBClient,
  GetItemCommand,
  PutItemCommand,
  UpdateItemCommand,
} from '@aws-sdk/client-dynamodb';
import {
  CreateStreamCommand,
  DescribeStreamSummaryCommand,
  GetRecordsCommand,
  GetShardIteratorCommand,
  type KinesisClient,
  ListShardsCommand,
  PutRecordCommand,
  PutRecordsCommand,
} from '@aws-sdk/client-kinesis';
import {
  CreateBucketCommand,
  GetObjectCommand,
  ListObjectsV2Command,
  PutObjectCommand,
  S3Client,
} from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type AwsClients, createAwsClients } from '../clients.js';
import { findFreePort } from './free-port.js';
import {
  type EmbeddedStack,
  EmulatorStartError,
  LocalStackErrorCode,
  PortInUseError,
  startEmbeddedStack,
} from './index.js';

const encoder = new TextEncoder();
const decoder = new TextDecoder();

/** Polls `probe` until it returns a value other than `undefined`, or fails after `timeoutMs`. */
async function eventually<T>(probe: () => Promise<T | undefined>, timeoutMs = 5_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`condition not met within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

async function createActiveStream(kinesis: KinesisClient, streamName: string): Promise<string> {
  await kinesis.send(new CreateStreamCommand({ StreamName: streamName, ShardCount: 1 }));
  await eventually(async () => {
    const { StreamDescriptionSummary } = await kinesis.send(
      new DescribeStreamSummaryCommand({ StreamName: streamName }),
    );
    return StreamDescriptionSummary?.StreamStatus === 'ACTIVE' ? true : undefined;
  });
  const { Shards } = await kinesis.send(new ListShardsCommand({ StreamName: streamName }));
  const shardId = Shards?.[0]?.ShardId;
  if (!shardId) throw new Error(`stream ${streamName} has no shard`);
  return shardId;
}

async function readFromTrimHorizon(kinesis: KinesisClient, streamName: string, shardId: string) {
  const { ShardIterator } = await kinesis.send(
    new GetShardIteratorCommand({
      StreamName: streamName,
      ShardId: shardId,
      ShardIteratorType: 'TRIM_HORIZON',
    }),
  );
  const { Records } = await kinesis.send(new GetRecordsCommand({ ShardIterator, Limit: 100 }));
  return (Records ?? []).map((record) => ({
    sequenceNumber: record.SequenceNumber ?? '',
    partitionKey: record.PartitionKey,
    data: decoder.decode(record.Data),
  }));
}

async function createActiveTable(dynamodb: DynamoDBClient, tableName: string): Promise<void> {
  await dynamodb.send(
    new CreateTableCommand({
      TableName: tableName,
      AttributeDefinitions: [{ AttributeName: 'pk', AttributeType: 'S' }],
      KeySchema: [{ AttributeName: 'pk', KeyType: 'HASH' }],
      BillingMode: 'PAY_PER_REQUEST',
    }),
  );
  await eventually(async () => {
    const { Table } = await dynamodb.send(new DescribeTableCommand({ TableName: tableName }));
    return Table?.TableStatus === 'ACTIVE' ? true : undefined;
  });
}

function destroyClients(clients: AwsClients | undefined): void {
  clients?.kinesis.destroy();
  clients?.dynamodb.destroy();
  clients?.s3.destroy();
}

function isPortFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = createServer();
    server.once('error', () => resolve(false));
    server.listen({ port, host: '127.0.0.1' }, () => server.close(() => resolve(true)));
  });
}

describe('Function: startEmbeddedStack', () => {
  describe('with temporary data (persist: false, port: 0)', () => {
    let stack: EmbeddedStack;
    let clients: AwsClients;

    beforeAll(async () => {
      stack = await startEmbeddedStack({ port: 0, persist: false });
      clients = createAwsClients({ endpoint: stack.endpoint, region: stack.region });
    });

    afterAll(async () => {
      destroyClients(clients);
      await stack?.stop();
    });

    it('serves one loopback endpoint and reports every service running on the LocalStack health route', async () => {
      // Act
      const response = await fetch(`${stack.endpoint}/_localstack/health`);

      // Assess
      expect(stack.endpoint).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
      expect(response.status).toBe(200);
      expect(await response.json()).toEqual({
        services: { kinesis: 'running', dynamodb: 'running', s3: 'running' },
        engines: { kinesis: 'kinesis-local', dynamodb: 'dynalite', s3: 's3rver' },
        edition: 'embedded',
        region: 'us-east-1',
      });
    });

    describe('Kinesis', () => {
      it('returns records put with PutRecords from a TRIM_HORIZON iterator, in order, with decimal sequence numbers', async () => {
        // Prepare
        const shardId = await createActiveStream(clients.kinesis, 'events');

        // Act
        const put = await clients.kinesis.send(
          new PutRecordsCommand({
            StreamName: 'events',
            Records: ['one', 'two', 'three'].map((word) => ({
              PartitionKey: word,
              Data: encoder.encode(word),
            })),
          }),
        );
        const records = await readFromTrimHorizon(clients.kinesis, 'events', shardId);

        // Assess
        expect(put.FailedRecordCount ?? 0).toBe(0);
        expect(records.map((record) => [record.partitionKey, record.data])).toEqual([
          ['one', 'one'],
          ['two', 'two'],
          ['three', 'three'],
        ]);
        expect(records.map((record) => record.sequenceNumber)).toEqual(
          put.Records?.map((entry) => entry.SequenceNumber),
        );
        for (const { sequenceNumber } of records) expect(sequenceNumber).toMatch(/^\d{21,}$/);
        const sequence = records.map((record) => BigInt(record.sequenceNumber));
        expect([...sequence].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0))).toEqual(sequence);
      });
    });

    describe('DynamoDB', () => {
      beforeAll(async () => {
        await createActiveTable(clients.dynamodb, 'state');
      });

      it('accepts the first conditional put and rejects a second one with ConditionalCheckFailedException', async () => {
        // Prepare
        const put = new PutItemCommand({
          TableName: 'state',
          Item: { pk: { S: 'batch#1' }, claimedBy: { S: 'attempt-1' } },
          ConditionExpression: 'attribute_not_exists(pk)',
        });

        // Act
        await clients.dynamodb.send(put);
        const second = clients.dynamodb.send(put);

        // Assess
        await expect(second).rejects.toMatchObject({ name: 'ConditionalCheckFailedException' });
      });

      it('applies an UpdateItem only while its condition on the stored offset holds', async () => {
        // Prepare
        await clients.dynamodb.send(
          new PutItemCommand({
            TableName: 'state',
            Item: { pk: { S: 'offsets' }, watermarks: { M: { 'shard-0': { S: '0010' } } } },
          }),
        );
        const advanceTo = (offset: string) =>
          new UpdateItemCommand({
            TableName: 'state',
            Key: { pk: { S: 'offsets' } },
            UpdateExpression: 'SET #wm.#shard = :offset',
            ConditionExpression: '#wm.#shard < :offset',
            ExpressionAttributeNames: { '#wm': 'watermarks', '#shard': 'shard-0' },
            ExpressionAttributeValues: { ':offset': { S: offset } },
          });

        // Act
        await clients.dynamodb.send(advanceTo('0042'));
        const backwards = clients.dynamodb.send(advanceTo('0020'));

        // Assess
        await expect(backwards).rejects.toMatchObject({ name: 'ConditionalCheckFailedException' });
        const { Item } = await clients.dynamodb.send(
          new GetItemCommand({ TableName: 'state', Key: { pk: { S: 'offsets' } }, ConsistentRead: true }),
        );
        expect(Item?.watermarks?.M?.['shard-0']?.S).toBe('0042');
      });
    });

    describe('S3', () => {
      beforeAll(async () => {
        await clients.s3.send(new CreateBucketCommand({ Bucket: 'checkpoints' }));
      });

      it('returns the bytes of an object it stored', async () => {
        // Prepare
        const body = JSON.stringify({ offsets: { 'shard-0': '49' } });

        // Act
        await clients.s3.send(
          new PutObjectCommand({ Bucket: 'checkpoints', Key: 'meta/latest.json', Body: body }),
        );
        const object = await clients.s3.send(
          new GetObjectCommand({ Bucket: 'checkpoints', Key: 'meta/latest.json' }),
        );

        // Assess
        expect(await object.Body?.transformToString()).toBe(body);
      });

      it('pages ListObjectsV2 with continuation tokens when there are more keys than MaxKeys', async () => {
        // Prepare
        const keys = Array.from({ length: 7 }, (_, index) => `wal/part-${String(index).padStart(4, '0')}`);
        await Promise.all(
          keys.map((key) =>
            clients.s3.send(new PutObjectCommand({ Bucket: 'checkpoints', Key: key, Body: key })),
          ),
        );

        // Act
        const pages: string[][] = [];
        let token: string | undefined;
        do {
          const page = await clients.s3.send(
            new ListObjectsV2Command({
              Bucket: 'checkpoints',
              Prefix: 'wal/',
              MaxKeys: 3,
              ContinuationToken: token,
            }),
          );
          pages.push((page.Contents ?? []).map((object) => object.Key ?? ''));
          token = page.IsTruncated ? page.NextContinuationToken : undefined;
        } while (token);

        // Assess
        expect(pages.map((page) => page.length)).toEqual([3, 3, 1]);
        expect(pages.flat()).toEqual(keys);
      });

      it('stores a streamed upload sent with aws-chunked framing and trailing checksum as its plain bytes', async () => {
        // Prepare: a client with the SDK's default checksum behaviour frames stream bodies as aws-chunked
        const defaultChecksums = new S3Client({
          endpoint: stack.endpoint,
          region: stack.region,
          forcePathStyle: true,
          credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
        });
        const text = 'line one\nline two\n'.repeat(1_000);

        // Act
        await defaultChecksums.send(
          new PutObjectCommand({
            Bucket: 'checkpoints',
            Key: 'streamed.txt',
            Body: Readable.from([Buffer.from(text.slice(0, 5_000)), Buffer.from(text.slice(5_000))]),
            ContentLength: Buffer.byteLength(text),
          }),
        );
        defaultChecksums.destroy();
        const object = await clients.s3.send(
          new GetObjectCommand({ Bucket: 'checkpoints', Key: 'streamed.txt' }),
        );

        // Assess
        expect(object.ContentEncoding ?? '').not.toContain('aws-chunked');
        expect(await object.Body?.transformToString()).toBe(text);
      });
    });

    it('rejects an S3 upload whose aws-chunked framing is malformed with 400', async () => {
      // Act
      const response = await fetch(`${stack.endpoint}/checkpoints/malformed.txt`, {
        method: 'PUT',
        headers: {
          authorization: `AWS4-HMAC-SHA256 Credential=test/20260101/${stack.region}/s3/aws4_request, SignedHeaders=host, Signature=00`,
          'content-encoding': 'aws-chunked',
          'x-amz-content-sha256': 'STREAMING-UNSIGNED-PAYLOAD-TRAILER',
          'x-amz-decoded-content-length': '3',
        },
        body: 'zz\r\nabc\r\n0\r\n\r\n',
      });

      // Assess
      expect(response.status).toBe(400);
      expect(await response.text()).toContain('<Code>InvalidRequest</Code>');
    });

    it('answers a request for a service it does not emulate with 501 instead of routing it to S3', async () => {
      // Act
      const response = await fetch(stack.endpoint, {
        method: 'POST',
        headers: { 'x-amz-target': 'AmazonSQS.ListQueues', 'content-type': 'application/x-amz-json-1.0' },
        body: '{}',
      });

      // Assess
      expect(response.status).toBe(501);
      expect(await response.json()).toMatchObject({ __type: 'InternalFailure' });
    });
  });

  describe('with a persistent data directory', () => {
    let dataDir: string;
    let stack: EmbeddedStack | undefined;
    let clients: AwsClients | undefined;

    beforeAll(async () => {
      dataDir = await mkdtemp(join(tmpdir(), 'sparkless-persist-test-'));
    });

    afterAll(async () => {
      destroyClients(clients);
      await stack?.stop();
      await rm(dataDir, { recursive: true, force: true });
    });

    it('keeps streams and records, tables and items, buckets and objects across a restart, and locks the directory', async () => {
      // Prepare
      stack = await startEmbeddedStack({ port: 0, dataDir });
      clients = createAwsClients({ endpoint: stack.endpoint, region: stack.region });
      const shardId = await createActiveStream(clients.kinesis, 'durable');
      const put = await clients.kinesis.send(
        new PutRecordsCommand({
          StreamName: 'durable',
          Records: [{ PartitionKey: 'k', Data: encoder.encode('kept') }],
        }),
      );
      await createActiveTable(clients.dynamodb, 'durable');
      await clients.dynamodb.send(
        new PutItemCommand({ TableName: 'durable', Item: { pk: { S: 'k' }, v: { S: 'kept' } } }),
      );
      await clients.s3.send(new CreateBucketCommand({ Bucket: 'durable' }));
      await clients.s3.send(new PutObjectCommand({ Bucket: 'durable', Key: 'k', Body: 'kept' }));

      // Act
      destroyClients(clients);
      await stack.stop();
      stack = await startEmbeddedStack({ port: 0, dataDir });
      clients = createAwsClients({ endpoint: stack.endpoint, region: stack.region });

      // Assess
      await expect(startEmbeddedStack({ port: 0, dataDir })).rejects.toMatchObject({
        code: LocalStackErrorCode.dataDirInUse,
      });
      const records = await readFromTrimHorizon(clients.kinesis, 'durable', shardId);
      expect(records).toEqual([
        { sequenceNumber: put.Records?.[0]?.SequenceNumber, partitionKey: 'k', data: 'kept' },
      ]);
      const { Item } = await clients.dynamodb.send(
        new GetItemCommand({ TableName: 'durable', Key: { pk: { S: 'k' } } }),
      );
      expect(Item?.v?.S).toBe('kept');
      const object = await clients.s3.send(new GetObjectCommand({ Bucket: 'durable', Key: 'k' }));
      expect(await object.Body?.transformToString()).toBe('kept');
    });

    it('stops gracefully while producers put to Kinesis (no response held until killed), and keeps every acknowledged put', async () => {
      // Prepare: a stack of its own on its own directory; 8 producers putting one record after another
      const ownDir = await mkdtemp(join(tmpdir(), 'sparkless-stop-busy-'));
      const busy = await startEmbeddedStack({ port: 0, dataDir: ownDir, kinesisSnapshotIntervalMs: 50 });
      const producer = createAwsClients({ endpoint: busy.endpoint, region: busy.region });
      const shardId = await createActiveStream(producer.kinesis, 'busy');
      const acknowledged: string[] = [];
      let producing = true;
      const producers = Array.from({ length: 8 }, async () => {
        while (producing) {
          await producer.kinesis
            .send(new PutRecordCommand({ StreamName: 'busy', PartitionKey: 'k', Data: encoder.encode('x') }))
            .then(
              (output) => acknowledged.push(output.SequenceNumber ?? ''),
              () => undefined,
            );
        }
      });
      await eventually(async () => (acknowledged.length >= 10 ? true : undefined), 30_000);

      // Act
      const stopped = await busy.stop().then(
        () => undefined,
        (error: unknown) => error,
      );
      producing = false;
      await Promise.all(producers);
      destroyClients(producer);
      const again = await startEmbeddedStack({ port: 0, dataDir: ownDir });
      const reader = createAwsClients({ endpoint: again.endpoint, region: again.region });
      const stored = new Set(
        (await readFromTrimHorizon(reader.kinesis, 'busy', shardId)).map((record) => record.sequenceNumber),
      );
      destroyClients(reader);
      await again.stop();
      await rm(ownDir, { recursive: true, force: true });

      // Assess
      expect(stopped).toBeUndefined();
      expect(acknowledged.filter((sequenceNumber) => !stored.has(sequenceNumber))).toEqual([]);
    });
  });

  describe('Method: stop', () => {
    it('releases the endpoint port, stops every emulator and deletes the temporary data directory', async () => {
      // Prepare
      const stack = await startEmbeddedStack({ port: 0, persist: false });
      const ports = [stack.endpoint, ...Object.values(stack.services).map((service) => service.endpoint)].map(
        (url) => Number(new URL(url).port),
      );

      // Act
      await stack.stop();
      await stack.stop();

      // Assess
      for (const port of ports) expect(await isPortFree(port)).toBe(true);
      await expect(stat(stack.dataDir)).rejects.toMatchObject({ code: 'ENOENT' });
    });
  });

  describe('options', () => {
    it('rejects a port outside 0..65535, echoing it', async () => {
      await expect(startEmbeddedStack({ port: 70_000 })).rejects.toMatchObject({
        code: LocalStackErrorCode.invalidOptions,
        message: expect.stringContaining('(given 70000)'),
      });
    });

    it('rejects a Kinesis snapshot interval below 10 ms, echoing it', async () => {
      await expect(startEmbeddedStack({ port: 0, kinesisSnapshotIntervalMs: 5 })).rejects.toMatchObject({
        code: LocalStackErrorCode.invalidOptions,
        message: expect.stringContaining(
          'kinesisSnapshotIntervalMs must be an integer number of milliseconds >= 10 (given 5)',
        ),
      });
    });

    it('rejects a dataDir combined with persist: false', async () => {
      await expect(startEmbeddedStack({ persist: false, dataDir: '/tmp/x' })).rejects.toMatchObject({
        code: LocalStackErrorCode.invalidOptions,
      });
    });

    it('fails with EmulatorStartError when an emulator is not ready in time, releasing the port it bound', async () => {
      // Prepare
      const port = await findFreePort();

      // Act
      const start = startEmbeddedStack({ port, persist: false, startTimeoutMs: 1 });

      // Assess
      await expect(start).rejects.toBeInstanceOf(EmulatorStartError);
      await expect(start).rejects.toMatchObject({ code: LocalStackErrorCode.emulatorStartTimeout });
      expect(await isPortFree(port)).toBe(true);
    });

    it('fails with PortInUseError, before starting any emulator, when the port is taken', async () => {
      // Prepare
      const blocker = createServer();
      const port = await new Promise<number>((resolve) =>
        blocker.listen({ port: 0, host: '127.0.0.1' }, () => {
          const address = blocker.address();
          resolve(typeof address === 'object' && address !== null ? address.port : 0);
        }),
      );

      // Act
      const start = startEmbeddedStack({ port, persist: false });

      // Assess
      await expect(start).rejects.toBeInstanceOf(PortInUseError);
      await expect(start).rejects.toMatchObject({ code: LocalStackErrorCode.portInUse, port });
      await new Promise((resolve) => blocker.close(resolve));
    });
  });
});
