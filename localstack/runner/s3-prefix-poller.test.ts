import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PutObjectCommand } from '@aws-sdk/client-s3';
import type { S3Event } from 'aws-lambda';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { decodeUtf8, pipeline } from '../../lib/core';
import { createS3Handler, isWindowTick, type S3Handler } from '../../lib/handlers';
import { s3EventToObjects } from '../../lib/sources/s3-files';
import { createAwsClients } from '../clients';
import { type EmbeddedStack, startEmbeddedStack } from '../embedded';
import { getJson, S3ObjectStore } from '../../lib/storage';
import { ensureBucket, ensureStateTable } from '../setup/state-table';
import { LocalRunnerErrorCode } from './errors';
import { type AsyncInvocationFailure, S3PrefixPoller } from './s3-prefix-poller';

/** A stand-in handler that records the events and the objects they announce. */
function recordingHandler(fail: (key: string) => boolean = () => false) {
  const events: S3Event[] = [];
  const handler: S3Handler = async (event) => {
    if (isWindowTick(event)) return { objects: [] };
    events.push(event);
    const objects = s3EventToObjects(event);
    const failing = objects.find((object) => fail(object.key));
    if (failing !== undefined) throw new TypeError(`cannot process ${failing.key}`);
    return {
      objects: objects.map((object) => ({
        bucket: object.bucket,
        key: object.key,
        status: 'processed' as const,
        lines: 0,
        batchesCommitted: 0,
        skippedLines: 0,
        deadLetters: 0,
      })),
    };
  };
  const keys = () => events.flatMap((event) => s3EventToObjects(event).map((object) => object.key));
  return { handler, events, keys };
}

describe('Class: S3PrefixPoller', () => {
  let stack: EmbeddedStack;
  let clients: ReturnType<typeof createAwsClients>;
  let bucketNumber = 0;

  /** A fresh bucket holding `files` (key -> body). */
  const bucketWith = async (files: Readonly<Record<string, string>>): Promise<string> => {
    const bucket = `poller-${++bucketNumber}`;
    await ensureBucket(clients.s3, bucket);
    for (const [key, body] of Object.entries(files)) {
      await clients.s3.send(new PutObjectCommand({ Bucket: bucket, Key: key, Body: body }));
    }
    return bucket;
  };

  beforeAll(async () => {
    stack = await startEmbeddedStack({ port: 0, persist: false });
    clients = createAwsClients({ endpoint: stack.endpoint, region: stack.region });
  });

  afterAll(async () => {
    await stack?.stop();
  });

  describe('Method: pollOnce', () => {
    it('announces every object under the prefix once, across listing pages, as S3 notifications', async () => {
      // Prepare
      const bucket = await bucketWith({
        'input/a.txt': 'a',
        'input/b c.txt': 'b',
        'input/d+e.txt': 'c',
        'input/sub/f.txt': 'd',
        'input/g.txt': 'e',
        'other/h.txt': 'f',
      });
      const { handler, events, keys } = recordingHandler();
      const poller = new S3PrefixPoller({ s3: clients.s3, bucket, prefix: 'input/', handler, pageSize: 2 });

      // Act
      const first = await poller.pollOnce();
      const second = await poller.pollOnce();

      // Assess
      expect(first).toMatchObject({ listed: 5, newObjects: 5, invocations: 5, failed: 0 });
      expect(second).toMatchObject({ listed: 5, newObjects: 0, invocations: 0 });
      expect(keys().sort()).toEqual(
        ['input/a.txt', 'input/b c.txt', 'input/d+e.txt', 'input/sub/f.txt', 'input/g.txt'].sort(),
      );
      expect(events.every((event) => event.Records.length === 1)).toBe(true);
      const record = events
        .flatMap((event) => event.Records)
        .find((r) => r.s3.object.key.startsWith('input/b'));
      expect(record).toMatchObject({
        eventSource: 'aws:s3',
        eventName: 'ObjectCreated:Put',
        s3: {
          bucket: { name: bucket },
          object: { key: 'input/b+c.txt', size: 1, eTag: expect.stringMatching(/^[0-9a-f]{32}$/) },
        },
      });
      expect(first.outcomes).toHaveLength(5);
    });

    it('announces a new version of a key (new ETag) as a new file, and not the same content again', async () => {
      // Prepare
      const bucket = await bucketWith({ 'input/a.txt': 'one' });
      const { handler, keys } = recordingHandler();
      const poller = new S3PrefixPoller({ s3: clients.s3, bucket, prefix: 'input/', handler });
      await poller.pollOnce();

      // Act
      await clients.s3.send(new PutObjectCommand({ Bucket: bucket, Key: 'input/a.txt', Body: 'one' }));
      const same = await poller.pollOnce();
      await clients.s3.send(new PutObjectCommand({ Bucket: bucket, Key: 'input/a.txt', Body: 'two' }));
      const changed = await poller.pollOnce();

      // Assess
      expect(same.newObjects).toBe(0);
      expect(changed.newObjects).toBe(1);
      expect(keys()).toEqual(['input/a.txt', 'input/a.txt']);
    });

    it('detects an object overwritten between listing and reading: the listed version is dead-lettered, not lost silently, and the new one counted', async () => {
      // Prepare: the real S3 handler, with the object overwritten after the listing, before the read
      const bucket = await bucketWith({ 'input/a.txt': 'first version\n' });
      const table = `${bucket}-state`;
      await ensureStateTable(clients.dynamodb, table);
      const lines: string[] = [];
      const real = createS3Handler(
        pipeline('poller-overwrite')
          .fromTextFiles({ prefix: 'input/' })
          .map((record) => decodeUtf8(record.value))
          .foreachBatch((batch) => void lines.push(...batch)),
        {
          clients,
          environment: {
            SPARKLESS_STATE_TABLE: table,
            SPARKLESS_CHECKPOINT_BUCKET: bucket,
            SPARKLESS_STATE_NAMESPACE: 'overwrite',
          },
          print: () => undefined,
        },
      );
      let overwrite = true;
      const handler: S3Handler = async (event, context) => {
        if (overwrite) {
          overwrite = false;
          await clients.s3.send(
            new PutObjectCommand({ Bucket: bucket, Key: 'input/a.txt', Body: 'second version\n' }),
          );
        }
        return real(event, context);
      };
      const poller = new S3PrefixPoller({ s3: clients.s3, bucket, prefix: 'input/', handler });

      // Act
      const first = await poller.pollOnce();
      const second = await poller.pollOnce();

      // Assess
      expect(first.outcomes).toMatchObject([
        { key: 'input/a.txt', status: 'missing', missingReason: 'overwritten', deadLetters: 1 },
      ]);
      expect(second.outcomes).toMatchObject([{ key: 'input/a.txt', status: 'processed', lines: 1 }]);
      expect(lines).toEqual(['second version']);
      const objects = new S3ObjectStore({ client: clients.s3, bucket });
      const deadLetters = await objects.list('dead-letter/overwrite/');
      expect(deadLetters).toHaveLength(1);
      expect(await getJson(objects, deadLetters[0] ?? '')).toMatchObject({
        kind: 'object',
        key: 'input/a.txt',
        errorCode: 'OBJECT_VERSION_GONE',
      });
    });

    it('retries a failing invocation twice like Lambda, then sends the failure record and moves on', async () => {
      // Prepare
      const bucket = await bucketWith({ 'input/bad.txt': 'x', 'input/good.txt': 'y' });
      const { handler, keys } = recordingHandler((key) => key === 'input/bad.txt');
      const failures: AsyncInvocationFailure[] = [];
      const poller = new S3PrefixPoller({
        s3: clients.s3,
        bucket,
        prefix: 'input/',
        handler,
        functionName: 'word-count',
        onFailure: async (failure) => {
          failures.push(failure);
        },
      });

      // Act
      const first = await poller.pollOnce();
      const second = await poller.pollOnce();

      // Assess
      expect(first).toMatchObject({ newObjects: 2, invocations: 4, failed: 1 });
      expect(first.outcomes.map((outcome) => outcome.key)).toEqual(['input/good.txt']);
      expect(second.invocations).toBe(0);
      expect(keys().filter((key) => key === 'input/bad.txt')).toHaveLength(3);
      expect(failures).toEqual([
        expect.objectContaining({
          version: '1.0',
          requestContext: expect.objectContaining({
            condition: 'RetriesExhausted',
            approximateInvokeCount: 3,
            functionArn: 'arn:aws:lambda:us-east-1:000000000000:function:word-count:$LATEST',
          }),
          responsePayload: { errorType: 'TypeError', errorMessage: 'cannot process input/bad.txt' },
        }),
      ]);
      expect(failures[0]?.requestPayload.Records[0]?.s3.object.key).toBe('input/bad.txt');
    });

    it('remembers seen versions in the seen file across restarts', async () => {
      // Prepare
      const dir = await mkdtemp(join(tmpdir(), 'sparkless-poller-'));
      const seenFile = join(dir, 'nested', 'seen.json');
      const bucket = await bucketWith({ 'input/a.txt': 'a' });
      const first = recordingHandler();
      const second = recordingHandler();

      try {
        // Act
        await new S3PrefixPoller({
          s3: clients.s3,
          bucket,
          prefix: 'input/',
          handler: first.handler,
          seenFile,
        }).pollOnce();
        await clients.s3.send(new PutObjectCommand({ Bucket: bucket, Key: 'input/b.txt', Body: 'b' }));
        await new S3PrefixPoller({
          s3: clients.s3,
          bucket,
          prefix: 'input/',
          handler: second.handler,
          seenFile,
        }).pollOnce();

        // Assess
        expect(first.keys()).toEqual(['input/a.txt']);
        expect(second.keys()).toEqual(['input/b.txt']);
        expect(JSON.parse(await readFile(seenFile, 'utf8'))).toEqual({
          version: 1,
          seen: [expect.stringMatching(/^input\/a\.txt#/), expect.stringMatching(/^input\/b\.txt#/)],
        });
      } finally {
        await rm(dir, { recursive: true, force: true });
      }
    });

    it('with newFilesOnly, marks the objects of the first listing seen and announces only later ones', async () => {
      // Prepare
      const bucket = await bucketWith({ 'input/old.txt': 'a' });
      const { handler, keys } = recordingHandler();
      const poller = new S3PrefixPoller({
        s3: clients.s3,
        bucket,
        prefix: 'input/',
        handler,
        newFilesOnly: true,
      });

      // Act
      const first = await poller.pollOnce();
      await clients.s3.send(new PutObjectCommand({ Bucket: bucket, Key: 'input/new.txt', Body: 'b' }));
      await poller.pollOnce();

      // Assess
      expect(first).toMatchObject({ listed: 1, newObjects: 1, invocations: 0 });
      expect(keys()).toEqual(['input/new.txt']);
    });
  });

  describe('Method: start / stop', () => {
    it('polls in the background until stopped', async () => {
      // Prepare
      const bucket = await bucketWith({ 'input/a.txt': 'a' });
      const { handler, keys } = recordingHandler();
      const poller = new S3PrefixPoller({
        s3: clients.s3,
        bucket,
        prefix: 'input/',
        handler,
        intervalMs: 20,
      });

      // Act
      poller.start();
      await clients.s3.send(new PutObjectCommand({ Bucket: bucket, Key: 'input/b.txt', Body: 'b' }));
      for (let i = 0; i < 200 && keys().length < 2; i++)
        await new Promise((resolve) => setTimeout(resolve, 10));
      await poller.stop();

      // Assess
      expect(poller.running).toBe(false);
      expect(keys().sort()).toEqual(['input/a.txt', 'input/b.txt']);
    });
  });

  describe('Constructor', () => {
    it('refuses more retries than Lambda makes for asynchronous invocations', () => {
      // Act
      const act = () =>
        new S3PrefixPoller({
          s3: clients.s3,
          bucket: 'b',
          prefix: '',
          handler: recordingHandler().handler,
          maximumRetryAttempts: 3,
        });

      // Assess
      expect(act).toThrow(
        /maximumRetryAttempts must be a whole number between 0 and 2 inclusive.*\(given 3\)/,
      );
      expect(act).toThrow(expect.objectContaining({ code: LocalRunnerErrorCode.InvalidConfig }));
    });
  });
});
