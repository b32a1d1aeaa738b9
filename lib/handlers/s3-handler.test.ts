import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { Readable } from 'node:stream';
import {
  GetObjectCommand,
  type GetObjectCommandOutput,
  PutObjectCommand,
  type S3Client,
} from '@aws-sdk/client-s3';
import type { S3Event, S3EventRecord } from 'aws-lambda';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fileStreamWordCount } from '../../functions/pipelines/file-stream-word-count';
import { statefulWordCount } from '../../functions/pipelines/stateful-word-count';
import { createAwsClients } from '../../localstack/clients';
import { type EmbeddedStack, startEmbeddedStack } from '../../localstack/embedded';
import { ensureBucket, ensureStateTable } from '../../localstack/setup/state-table';
import fixture from '../../test/fixtures/s3-event.json';
import kinesisFixture from '../../test/fixtures/kinesis-event.json';
import scheduledEvent from '../../test/fixtures/published/sam-cloudwatch-scheduled-event.json';
import { type BatchContext, decodeUtf8, ErrorCode, pipeline, tumblingWindows } from '../core';
import { MemoryMetricsSink } from '../metrics';
import type { DeadLetterEntry } from '../sinks';
import { encodeS3EventKey } from '../sources/s3-files';
import { getJson, S3ObjectStore } from '../storage';
import { HandlerErrorCode } from './errors';
import { createKinesisHandler } from './kinesis-handler';
import { createS3Handler, ObjectStatus } from './s3-handler';
import { WINDOW_TICK } from './window-tick';

const INPUT_BUCKET = 'sparkless-input';
const CHECKPOINTS = 's3-handler-test';
const TABLE = 's3-handler-test';

const environment = (namespace: string) => ({
  SPARKLESS_STATE_TABLE: TABLE,
  SPARKLESS_CHECKPOINT_BUCKET: CHECKPOINTS,
  SPARKLESS_STATE_NAMESPACE: namespace,
});

const fixtureEvent = fixture as S3Event;
const [fixtureRecord] = fixtureEvent.Records as [S3EventRecord];

/** An S3 notification for `key` (encoded the way S3 encodes it), shaped like the fixture. */
function s3Event(key: string, eTag = 'unknown', bucket = INPUT_BUCKET): S3Event {
  return {
    Records: [
      {
        ...fixtureRecord,
        s3: {
          ...fixtureRecord.s3,
          bucket: { ...fixtureRecord.s3.bucket, name: bucket, arn: `arn:aws:s3:::${bucket}` },
          object: { ...fixtureRecord.s3.object, key: encodeS3EventKey(key), eTag },
        },
      },
    ],
  };
}

interface CapturedBatch {
  readonly context: BatchContext;
  readonly lines: readonly string[];
}

/** A text-file pipeline that hands each batch's lines to `capture`. */
function linesPipeline(name: string, capture: (batch: CapturedBatch) => void | Promise<void>) {
  return pipeline(name)
    .fromTextFiles({ prefix: 'input/' })
    .map((record) => decodeUtf8(record.value))
    .foreachBatch(async (lines, context) => capture({ context, lines: [...lines] }));
}

/** A body that delivers the first `bytes` bytes of `body`, then fails like a connection reset. */
function failingAfter(body: GetObjectCommandOutput['Body'], bytes: number): GetObjectCommandOutput['Body'] {
  const source = body as AsyncIterable<Uint8Array> & { destroy(): void };
  return Readable.from(
    (async function* () {
      let sent = 0;
      for await (const chunk of source) {
        const part = chunk.subarray(0, Math.max(0, bytes - sent));
        sent += part.length;
        if (part.length > 0) yield part;
        if (sent >= bytes) break;
      }
      source.destroy();
      throw Object.assign(new Error('read ECONNRESET'), { code: 'ECONNRESET' });
    })(),
  ) as GetObjectCommandOutput['Body'];
}

describe('Function: createS3Handler (invoked directly, emulators over HTTP)', () => {
  let stack: EmbeddedStack;
  let clients: ReturnType<typeof createAwsClients>;

  const upload = async (key: string, body: string | Uint8Array): Promise<string> => {
    const response = await clients.s3.send(
      new PutObjectCommand({ Bucket: INPUT_BUCKET, Key: key, Body: body }),
    );
    return (response.ETag ?? '').replace(/"/g, '');
  };

  beforeAll(async () => {
    stack = await startEmbeddedStack({ port: 0, persist: false });
    clients = createAwsClients({ endpoint: stack.endpoint, region: stack.region });
    await Promise.all([
      ensureStateTable(clients.dynamodb, TABLE),
      ensureBucket(clients.s3, CHECKPOINTS),
      ensureBucket(clients.s3, INPUT_BUCKET),
    ]);
  });

  afterAll(async () => {
    await stack?.stop();
  });

  it('fires the windows of an idle file stream on the scheduled trigger', async () => {
    // Prepare: "<epochMs> <word>" lines counted over 10 s tumbling windows
    const fired: string[] = [];
    const windowed = pipeline('file-windows')
      .fromTextFiles({ prefix: 'input/' })
      .map((record) => decodeUtf8(record.value).split(' '))
      .withTimestamps(([time]) => Number(time))
      .mapToPair(([, word]) => [word ?? '', 1])
      .reduceByKeyAndWindow((a, b) => a + b, tumblingWindows({ lengthMs: 10_000, allowedLatenessMs: 0 }))
      .foreachBatch((pairs, context) => void fired.push(`${context.window?.end}:${JSON.stringify(pairs)}`));
    const handler = createS3Handler(windowed, {
      clients,
      environment: { ...environment('file-windows'), SPARKLESS_WINDOW_IDLE_TIMEOUT_MS: '1000' },
      metrics: new MemoryMetricsSink(),
    });
    const eTag = await upload('input/windows.txt', '1000 spark\n2000 spark\n12000 lambda\n');
    await handler(s3Event('input/windows.txt', eTag));
    const firedByBatches = [...fired];

    // Act: the file's partition is idle; the trigger closes every window
    await new Promise((resolve) => setTimeout(resolve, 1_100));
    const result = await handler(WINDOW_TICK);

    // Assess
    expect(firedByBatches).toEqual(['10000:[["spark",2]]']); // closed by the file's own 12 s line
    expect(result).toEqual({ objects: [] });
    expect(fired).toEqual(['10000:[["spark",2]]', '20000:[["lambda",1]]']);
  });

  it('counts the fixture notification once (its key decoded) and makes the re-delivery a no-op', async () => {
    // Prepare: the object the fixture announces, with the fixture's ETag
    const eTag = await upload('input/hamlet act 1+scene 2.txt', 'to be or not to be\nthat is the question\n');
    expect(eTag).toBe(fixtureRecord.s3.object.eTag);
    const printed: string[] = [];
    const handler = createS3Handler(fileStreamWordCount, {
      clients,
      environment: environment('fixture'),
      print: (block) => printed.push(block),
      metrics: new MemoryMetricsSink(),
    });

    // Act
    const first = await handler(fixtureEvent);
    const redelivered = await handler(fixtureEvent);

    // Assess
    expect(first.objects).toEqual([
      {
        bucket: INPUT_BUCKET,
        key: 'input/hamlet act 1+scene 2.txt',
        status: ObjectStatus.Processed,
        partition: expect.stringMatching(/^s3:input\/hamlet_act_1_scene_2\.txt~[0-9a-f]{16}#4fa0c8e3/),
        eTag,
        lines: 2,
        batchesCommitted: 1,
        skippedLines: 0,
        deadLetters: 0,
      },
    ]);
    expect(redelivered.objects[0]).toMatchObject({ lines: 2, batchesCommitted: 0, skippedLines: 2 });
    expect(printed).toHaveLength(1);
    expect(printed[0]?.split('\n').slice(3, -1).sort()).toEqual(
      ['(be,2)', '(is,1)', '(not,1)', '(or,1)', '(question,1)', '(that,1)', '(the,1)', '(to,2)'].sort(),
    );
  });

  it('cuts big objects into batches of linesPerBatch and resumes a failed object exactly once', async () => {
    // Prepare: 12 lines; the second batch's output fails once
    const lines = Array.from({ length: 12 }, (_, i) => `line ${i + 1}`);
    const eTag = await upload('input/twelve.txt', `${lines.join('\n')}\n`);
    const delivered: CapturedBatch[] = [];
    let failures = 1;
    const handler = createS3Handler(
      linesPipeline('s3-handler-resume', (batch) => {
        delivered.push(batch);
        if (batch.context.batchNumber === 1 && failures-- > 0) throw new Error('sink outage');
      }),
      { clients, environment: environment('resume'), print: () => undefined, linesPerBatch: 5 },
    );
    const event = s3Event('input/twelve.txt', eTag);

    // Act
    const failed = await handler(event).catch((error: unknown) => error);
    const retried = await handler(event);

    // Assess: the retry replayed batch 1 with the same id and records, then ran batch 2
    expect(failed).toMatchObject({
      code: HandlerErrorCode.ObjectsFailed,
      failures: [{ key: 'input/twelve.txt' }],
    });
    expect(String((failed as Error).message)).toMatch(/1 of 1 objects failed; .*twelve\.txt.*sink outage/);
    expect(delivered.map((batch) => [batch.context.batchNumber, batch.lines.length])).toEqual([
      [0, 5],
      [1, 5],
      [1, 5],
      [2, 2],
    ]);
    expect(delivered[1]?.lines).toEqual(delivered[2]?.lines);
    expect(delivered[1]?.context.batchId).toBe(delivered[2]?.context.batchId);
    expect([0, 2, 3].flatMap((i) => delivered[i]?.lines ?? [])).toEqual(lines);
    // lines 1-5 were committed; 6-10 were committed by the replay of the open batch
    expect(retried.objects[0]).toMatchObject({ lines: 12, batchesCommitted: 2, skippedLines: 10 });
  });

  it('resumes an input body that breaks mid-way with a ranged GetObject and counts every line once', async () => {
    // Prepare: every first GetObject of an input object breaks after 100 bytes
    const lines = Array.from({ length: 40 }, (_, i) => `line number ${i + 1}`);
    const eTag = await upload('input/flaky.txt', `${lines.join('\n')}\n`);
    const send = clients.s3.send.bind(clients.s3) as unknown as (
      command: unknown,
    ) => Promise<GetObjectCommandOutput>;
    const flaky = {
      send: async (command: unknown) => {
        const response = await send(command);
        const input = command instanceof GetObjectCommand ? command.input : undefined;
        if (input?.Bucket !== INPUT_BUCKET || input.Range !== undefined) return response;
        return { ...response, Body: failingAfter(response.Body, 100) };
      },
    } as unknown as S3Client;
    const seen: string[] = [];
    const handler = createS3Handler(
      linesPipeline('s3-handler-flaky', (batch) => {
        seen.push(...batch.lines);
      }),
      {
        clients: { s3: flaky, dynamodb: clients.dynamodb },
        environment: environment('flaky'),
        print: () => undefined,
        linesPerBatch: 7,
      },
    );

    // Act
    const result = await handler(s3Event('input/flaky.txt', eTag));

    // Assess
    expect(result.objects[0]).toMatchObject({ lines: 40, batchesCommitted: 6 });
    expect(seen).toEqual(lines);
  });

  it('dead-letters a line that is not valid UTF-8 with its bytes, line number and key', async () => {
    // Prepare
    const body = Buffer.concat([
      Buffer.from('good line\n'),
      Buffer.from([0xff, 0xfe, 0x0a]),
      Buffer.from('after'),
    ]);
    const eTag = await upload('input/bad.txt', body);
    const seen: string[] = [];
    const handler = createS3Handler(
      linesPipeline('s3-handler-bad-line', (batch) => {
        seen.push(...batch.lines);
      }),
      { clients, environment: environment('bad-line'), print: () => undefined },
    );

    // Act
    const result = await handler(s3Event('input/bad.txt', eTag));

    // Assess
    expect(result.objects[0]).toMatchObject({ lines: 3, deadLetters: 1 });
    expect(seen).toEqual(['good line', 'after']);
    const objects = new S3ObjectStore({ client: clients.s3, bucket: CHECKPOINTS });
    const [deadLetterKey] = await objects.list('dead-letter/bad-line/');
    const deadLetter = await getJson<DeadLetterEntry>(objects, deadLetterKey ?? '');
    expect(deadLetter).toMatchObject({
      kind: 'record',
      errorCode: ErrorCode.DecodeFailed,
      partition: expect.stringMatching(/^s3:input\/bad\.txt#[0-9a-f]{32}$/),
      offset: '2',
      key: 'input/bad.txt',
      data: Buffer.from([0xff, 0xfe]).toString('base64'),
    });
  });

  it('dead-letters records without s3 or with a key that is not URL encoding, with their JSON, and processes the rest', async () => {
    // Prepare
    const eTag = await upload('input/envelopes.txt', 'to be\n');
    const [good] = s3Event('input/envelopes.txt', eTag).Records as [S3EventRecord];
    const noS3 = { ...good, s3: undefined };
    const badKey = { ...good, s3: { ...good.s3, object: { ...good.s3.object, key: 'input/%E0%A4%A.txt' } } };
    const event = { Records: [noS3, good, badKey] } as unknown as S3Event;
    const seen: string[] = [];
    const handler = createS3Handler(
      linesPipeline('s3-handler-envelopes', (batch) => {
        seen.push(...batch.lines);
      }),
      { clients, environment: environment('envelopes'), print: () => undefined },
    );
    const objects = new S3ObjectStore({ client: clients.s3, bucket: CHECKPOINTS });
    const deadLetters = async () => {
      const keys = await objects.list('dead-letter/envelopes/');
      return Promise.all(
        keys.map(async (key) => (await getJson<DeadLetterEntry>(objects, key)) as DeadLetterEntry),
      );
    };

    // Act
    const result = await handler(event);
    const firstLetters = await deadLetters();
    await handler(event);

    // Assess: the good object is counted once, the two broken records are dead-lettered once each
    expect(result.objects).toMatchObject([
      { key: 'input/envelopes.txt', status: ObjectStatus.Processed, lines: 1 },
    ]);
    expect(seen).toEqual(['to be']);
    const letters = await deadLetters();
    expect(letters.map((entry) => entry.id).sort()).toEqual(firstLetters.map((entry) => entry.id).sort());
    expect(letters).toHaveLength(2);
    for (const entry of letters)
      expect(entry).toMatchObject({ kind: 'envelope', errorCode: ErrorCode.MalformedEnvelope });
    expect(letters.map((entry) => entry.reason).join('\n')).toMatch(/s3 is missing[\s\S]*|s3\.object\.key/);
    const records = letters.map((entry) =>
      JSON.parse(Buffer.from(entry.data ?? '', 'base64').toString('utf8')),
    );
    expect(records).toEqual(
      expect.arrayContaining([JSON.parse(JSON.stringify(noS3)), JSON.parse(JSON.stringify(badKey))]),
    );
  });

  it('treats an identical re-upload (same ETag, later LastModified) as a redelivery, not as a foreign history', async () => {
    // Prepare
    const seen: string[] = [];
    const handler = createS3Handler(
      linesPipeline('s3-handler-reupload', (batch) => {
        seen.push(...batch.lines);
      }),
      { clients, environment: environment('reupload'), print: () => undefined },
    );
    const eTag = await upload('input/same.txt', 'once\n');
    await handler(s3Event('input/same.txt', eTag));
    await new Promise((resolve) => setTimeout(resolve, 1_100)); // LastModified has second precision

    // Act
    const again = await handler(s3Event('input/same.txt', await upload('input/same.txt', 'once\n')));

    // Assess
    expect(again.objects).toMatchObject([{ status: ObjectStatus.Processed, lines: 1, skippedLines: 1 }]);
    expect(seen).toEqual(['once']);
  });

  it('refuses an EventBridge scheduled event or a Kinesis batch with a message naming the tick input', async () => {
    // Prepare
    const handler = createS3Handler(
      linesPipeline('s3-handler-scheduled', () => undefined),
      { clients, environment: environment('scheduled'), print: () => undefined },
    );

    // Act / Assess
    await expect(handler(scheduledEvent as unknown as S3Event)).rejects.toThrow(
      /EventBridge event \("Scheduled Event" from aws\.events\).*\{"sparkless":"tick"\}/,
    );
    await expect(handler(kinesisFixture as unknown as S3Event)).rejects.toThrow(
      /records from aws:kinesis.*\{"sparkless":"tick"\}/,
    );
  });

  it('dead-letters the version a notification names when it was overwritten before it was read, and counts the new one once', async () => {
    // Prepare: the event announces version 1, which is overwritten before the handler runs (the
    // emulator's bucket is unversioned, and ignores IfMatch: the handler checks the ETag it gets)
    const oldETag = await upload('input/changing.txt', 'old\n');
    const newETag = await upload('input/changing.txt', 'new text\n');
    const seen: CapturedBatch[] = [];
    const metrics = new MemoryMetricsSink();
    const handler = createS3Handler(
      linesPipeline('s3-handler-changed', (batch) => {
        seen.push(batch);
      }),
      { clients, environment: environment('changed'), print: () => undefined, metrics },
    );

    // Act
    const first = await handler(s3Event('input/changing.txt', oldETag));
    const second = await handler(s3Event('input/changing.txt', newETag));

    // Assess: the lost version is dead-lettered with the reason, the new version counted once
    expect(first.objects[0]).toMatchObject({
      status: ObjectStatus.Missing,
      missingReason: 'overwritten',
      lines: 0,
      deadLetters: 1,
    });
    expect(second.objects[0]).toMatchObject({
      status: ObjectStatus.Processed,
      eTag: newETag,
      partition: `s3:input/changing.txt#${newETag}`,
      lines: 1,
      batchesCommitted: 1,
    });
    expect(seen.map((batch) => batch.lines)).toEqual([['new text']]);
    expect(metrics.envelopes.map((entry) => entry.deadLetters)).toEqual([1]); // counted in DeadLetters
    const objects = new S3ObjectStore({ client: clients.s3, bucket: CHECKPOINTS });
    const [deadLetterKey] = await objects.list('dead-letter/changed/');
    expect(await getJson<DeadLetterEntry>(objects, deadLetterKey ?? '')).toMatchObject({
      kind: 'object',
      errorCode: 'OBJECT_VERSION_GONE',
      partition: `s3:input/changing.txt#${oldETag}`,
      bucket: INPUT_BUCKET,
      key: 'input/changing.txt',
      eTag: oldETag,
      reason: expect.stringMatching(/was overwritten before it was read .*enable versioning/),
    });
  });

  it('ignores keys outside the prefix, folder markers, hidden files and its own checkpoint objects; dead-letters deleted objects', async () => {
    // Prepare
    const handler = createS3Handler(
      linesPipeline('s3-handler-ignored', () => {
        throw new Error('no batch expected');
      }),
      { clients, environment: environment('ignored'), print: () => undefined },
    );
    const records = [
      s3Event('output/a.txt'),
      s3Event('input/2026/'),
      s3Event('input/.a.txt.tmp'),
      s3Event('wal/ignored/x.json', 'x', CHECKPOINTS),
      s3Event('input/never-uploaded.txt'),
    ].flatMap((event) => event.Records);

    // Act
    const result = await handler({ Records: records });

    // Assess
    expect(result.objects.map((object) => [object.key, object.status, object.reason])).toEqual([
      ['output/a.txt', 'ignored', 'outside-prefix'],
      ['input/2026/', 'ignored', 'directory-marker'],
      ['input/.a.txt.tmp', 'ignored', 'hidden-file'],
      ['wal/ignored/x.json', 'ignored', 'internal'],
      ['input/never-uploaded.txt', 'missing', undefined],
    ]);
    expect(result.objects[4]).toMatchObject({ missingReason: 'deleted', deadLetters: 1 });
  });

  it('throws after trying every object when DynamoDB is unreachable, so Lambda retries the event', async () => {
    // Prepare: S3 works (checkpoint loads), DynamoDB points at a closed port
    const aETag = await upload('input/a.txt', 'a\n');
    const bETag = await upload('input/b.txt', 'b\n');
    const unreachable = new DynamoDBClient({
      endpoint: 'http://127.0.0.1:9',
      region: 'us-east-1',
      maxAttempts: 1,
      credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
    });
    const metrics = new MemoryMetricsSink();
    const handler = createS3Handler(fileStreamWordCount, {
      clients: { s3: clients.s3, dynamodb: unreachable },
      environment: environment('unreachable'),
      print: () => undefined,
      metrics,
    });
    const event = {
      Records: [...s3Event('input/a.txt', aETag).Records, ...s3Event('input/b.txt', bETag).Records],
    };

    // Act
    const error = await handler(event).catch((thrown: unknown) => thrown);

    // Assess
    expect(error).toMatchObject({
      code: HandlerErrorCode.ObjectsFailed,
      failures: [{ key: 'input/a.txt' }, { key: 'input/b.txt' }],
      cause: expect.anything(),
    });
    expect(metrics.failures.map((failure) => failure.partition)).toEqual([
      expect.stringMatching(/\/input\/a\.txt$/),
      expect.stringMatching(/\/input\/b\.txt$/),
    ]);
  });

  it('fails the cold start with a message naming the fix, and records a failed-batch metric per object', async () => {
    // Prepare
    const metrics = new MemoryMetricsSink();
    const handler = createS3Handler(fileStreamWordCount, { environment: {}, metrics });

    // Act
    await expect(handler(fixtureEvent)).rejects.toThrow(/SPARKLESS_STATE_TABLE is not set/);

    // Assess
    expect(metrics.failures.map((failure) => failure.errorCode)).toEqual(
      fixtureEvent.Records.map(() => 'INVALID_CONFIGURATION'),
    );
    expect(metrics.failures.length).toBeGreaterThan(0);
  });

  it('refuses a Kinesis pipeline, and the Kinesis factory refuses a text-file pipeline, naming the right factory', () => {
    expect(() => createS3Handler(statefulWordCount)).toThrow(
      /createS3Handler cannot run pipeline "stateful-word-count": it reads from a kinesis source; build its handler with createKinesisHandler/,
    );
    expect(() => createKinesisHandler(fileStreamWordCount)).toThrow(
      expect.objectContaining({
        code: ErrorCode.InvalidConfiguration,
        message: expect.stringMatching(/build its handler with createS3Handler/),
      }),
    );
  });
});
