import {
  DeleteMessageCommand,
  ReceiveMessageCommand,
  type ReceiveMessageCommandOutput,
  type SQSClient,
} from '@aws-sdk/client-sqs';
import { describe, expect, it } from 'vitest';
import kinesisFailure from '../../test/fixtures/kinesis-on-failure-record.json';
import s3Failure from '../../test/fixtures/s3-async-failure-record.json';
import { ErrorCode } from '../core';
import { MemoryObjectStore, putJson } from '../storage';
import { ObjectStoreOnFailureDestination, parseFailureRecord, SqsOnFailureDestination } from '.';

/** An SQS queue in memory, answering ReceiveMessage (up to 10, hiding them) and DeleteMessage. */
class FakeQueue {
  public readonly deleted: string[] = [];
  private readonly visible: Array<{ MessageId: string; ReceiptHandle: string; Body: string }>;

  public constructor(bodies: readonly unknown[]) {
    this.visible = bodies.map((body, i) => ({
      MessageId: `m${i}`,
      ReceiptHandle: `r${i}`,
      Body: JSON.stringify(body),
    }));
  }

  public async send(command: object): Promise<Partial<ReceiveMessageCommandOutput>> {
    if (command instanceof ReceiveMessageCommand) {
      expect(command.input.VisibilityTimeout).toBeGreaterThan(0);
      return { Messages: this.visible.splice(0, command.input.MaxNumberOfMessages ?? 1) };
    }
    if (command instanceof DeleteMessageCommand) {
      this.deleted.push(command.input.ReceiptHandle ?? '');
      return {};
    }
    throw new Error(`unexpected command ${command.constructor.name}`);
  }
}

describe('Function: parseFailureRecord', () => {
  it('reads the KinesisBatchInfo of a Kinesis mapping failure record', () => {
    expect(parseFailureRecord('m1', kinesisFailure)).toEqual({
      kind: 'kinesis',
      range: {
        streamArn: 'arn:aws:kinesis:us-east-1:123456789012:stream/mystream',
        shardId: 'shardId-000000000001',
        startSequenceNumber: '49601189658422359378836298521827638475320189012309704722',
        endSequenceNumber: '49601189658422359378836298522902373528957594348623495186',
        batchSize: 500,
      },
    });
  });

  it('reads the S3 event of an asynchronous invocation failure record', () => {
    const parsed = parseFailureRecord('m2', s3Failure);

    expect(parsed.kind).toBe('s3-event');
    expect(parsed.kind === 's3-event' && parsed.event.Records[0]?.s3.object.key).toBe('input/a.txt');
  });

  it.each([
    { body: 'not json', problem: /is not a JSON object/ },
    { body: { KinesisBatchInfo: { shardId: 's' } }, problem: /without streamArn or shardId/ },
    {
      body: {
        KinesisBatchInfo: {
          ...kinesisFailure.KinesisBatchInfo,
          startSequenceNumber: '9',
          endSequenceNumber: '1',
        },
      },
      problem: /startSequenceNumber <= endSequenceNumber/,
    },
    {
      body: { KinesisBatchInfo: { ...kinesisFailure.KinesisBatchInfo, batchSize: 0 } },
      problem: /positive batchSize/,
    },
    { body: { requestPayload: { detail: {} } }, problem: /neither a KinesisBatchInfo nor an S3 event/ },
  ])('refuses $problem with a coded error naming the fix', ({ body, problem }) => {
    expect(() => parseFailureRecord('m3', body)).toThrow(
      expect.objectContaining({
        code: ErrorCode.InvalidFailureRecord,
        message: expect.stringMatching(problem),
      }),
    );
  });
});

describe('Class: SqsOnFailureDestination', () => {
  it('receives every message (several pages) and deletes only those marked done', async () => {
    // Prepare
    const queue = new FakeQueue(Array.from({ length: 12 }, (_, i) => ({ n: i })));
    const destination = new SqsOnFailureDestination({
      client: queue as unknown as SQSClient,
      queueUrl: 'https://sqs/q',
    });

    // Act
    const messages = await destination.receive();
    await destination.done(messages[3] ?? { id: '', body: undefined });

    // Assess
    expect(messages.map((message) => message.body)).toEqual(Array.from({ length: 12 }, (_, i) => ({ n: i })));
    expect(queue.deleted).toEqual(['r3']);
  });
});

describe('Class: ObjectStoreOnFailureDestination', () => {
  it('lists the records under its prefix and skips those marked recovered', async () => {
    // Prepare
    const store = new MemoryObjectStore();
    await putJson(store, 'on-failure/ns/shard-1/1.json', { a: 1 });
    await putJson(store, 'on-failure/ns/shard-1/2.json', { a: 2 });
    await putJson(store, 'on-failure/other/shard-1/1.json', { a: 3 });
    const destination = new ObjectStoreOnFailureDestination(store, 'on-failure/ns/');

    // Act
    const first = await destination.receive();
    await destination.done(first[0] ?? { id: '', body: undefined });
    const second = await destination.receive();

    // Assess
    expect(first.map((message) => message.body)).toEqual([{ a: 1 }, { a: 2 }]);
    expect(second).toEqual([{ id: 'on-failure/ns/shard-1/2.json', body: { a: 2 } }]);
    expect(store.objects.has('on-failure/ns/shard-1/1.json')).toBe(true);
  });
});
