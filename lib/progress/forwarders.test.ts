import type { EventBridgeClient, PutEventsCommand } from '@aws-sdk/client-eventbridge';
import type { KinesisClient, PutRecordCommand } from '@aws-sdk/client-kinesis';
import { describe, expect, it } from 'vitest';
import { ErrorCode, InvalidConfigurationError, pipeline } from '../core';
import { forwardProgressToEventBridge, forwardProgressToKinesis, ProgressEventBridge } from './forwarders';
import { progressRecord } from './progress-store.contract';
import type { BatchFailureEvent } from './types';

const FAILURE: BatchFailureEvent = {
  id: 'p@ns',
  runId: 'v1',
  name: 'p',
  timestamp: '2023-11-14T22:13:20.000Z',
  partition: 'a.0',
  errorCode: 'SINK_DOWN',
  message: 'sink unavailable',
};

/** A client whose `send` records each command and answers with `reply`. */
function fakeClient<C>(reply: unknown = {}) {
  const sent: { input: unknown }[] = [];
  const client = {
    send: async (command: { input: unknown }) => {
      sent.push(command);
      return reply;
    },
  } as unknown as C;
  return { client, sent };
}

describe('Function: forwardProgressToKinesis', () => {
  it('puts each progress record as JSON, keyed by pipeline partition, with the batch dedupe key', async () => {
    // Prepare
    const { client, sent } = fakeClient<KinesisClient>();
    const forwarder = forwardProgressToKinesis('streaming-metrics', client);
    const record = progressRecord('a.0', 7);

    // Act
    await forwarder.onProgress?.(record);
    await forwarder.onFailure?.(FAILURE);

    // Assess
    const inputs = sent.map((command) => (command as PutRecordCommand).input);
    expect(inputs.map(({ StreamName, PartitionKey }) => [StreamName, PartitionKey])).toEqual([
      ['streaming-metrics', 'p@ns/a.0'],
      ['streaming-metrics', 'p@ns/a.0'],
    ]);
    const [progress, failure] = inputs.map((input) => JSON.parse(new TextDecoder().decode(input.Data)));
    expect(progress).toEqual({ type: 'progress', dedupeKey: 'p@ns/a.0/7', event: record });
    expect(failure).toEqual({
      type: 'failure',
      dedupeKey: `p@ns/a.0/failure/${FAILURE.timestamp}`,
      event: FAILURE,
    });
    expect(forwarder.target).toEqual({ kind: 'kinesis', name: 'streaming-metrics' });
  });

  it('hashes a partition key longer than Kinesis allows (256 characters)', async () => {
    // Prepare: a text-file partition (object key and ETag) can be long
    const { client, sent } = fakeClient<KinesisClient>();
    const record = { ...progressRecord(`input/${'x'.repeat(300)}.txt@etag`, 0) };

    // Act
    await forwardProgressToKinesis('streaming-metrics', client).onProgress?.(record);

    // Assess
    expect((sent[0] as PutRecordCommand).input.PartitionKey).toMatch(/^[0-9a-f]{64}$/);
  });

  it('refuses an empty name or an ARN, naming the fix', () => {
    expect(() => forwardProgressToKinesis('')).toThrow(InvalidConfigurationError);
    expect(() => forwardProgressToKinesis('arn:aws:kinesis:eu-west-1:1:stream/s')).toThrow(
      /needs the stream name .*forwardProgressToKinesis\('streaming-metrics'\)/,
    );
  });
});

describe('Function: forwardProgressToEventBridge', () => {
  it('puts progress and failures with their detail-types and the dedupe key in the detail', async () => {
    // Prepare: a fake client (there is no EventBridge emulator in the embedded stack)
    const { client, sent } = fakeClient<EventBridgeClient>({
      FailedEntryCount: 0,
      Entries: [{ EventId: '1' }],
    });
    const forwarder = forwardProgressToEventBridge('ops-bus', client);
    const record = progressRecord('a.0', 3);

    // Act
    await forwarder.onProgress?.(record);
    await forwarder.onFailure?.(FAILURE);

    // Assess
    const entries = sent.flatMap((command) => (command as PutEventsCommand).input.Entries ?? []);
    expect(entries.map(({ EventBusName, Source, DetailType }) => [EventBusName, Source, DetailType])).toEqual(
      [
        ['ops-bus', ProgressEventBridge.SOURCE, 'Sparkless Batch Progress'],
        ['ops-bus', ProgressEventBridge.SOURCE, 'Sparkless Batch Failure'],
      ],
    );
    expect(JSON.parse(entries[0]?.Detail ?? '')).toEqual({
      type: 'progress',
      dedupeKey: 'p@ns/a.0/3',
      event: record,
    });
    expect(entries[0]?.Time).toEqual(new Date(record.timestamp));
    expect(forwarder.target).toEqual({ kind: 'eventbridge', name: 'ops-bus' });
  });

  it('throws when EventBridge rejects the entry (PutEvents reports it instead of failing)', async () => {
    // Prepare
    const { client } = fakeClient<EventBridgeClient>({
      FailedEntryCount: 1,
      Entries: [{ ErrorCode: 'InternalFailure', ErrorMessage: 'try again' }],
    });

    // Act
    const put = forwardProgressToEventBridge('ops-bus', client).onProgress?.(progressRecord('a.0', 1));

    // Assess
    await expect(put).rejects.toMatchObject({
      code: ErrorCode.ProgressForwardFailed,
      message: expect.stringContaining('InternalFailure try again'),
    });
  });
});

describe('Class: Pipeline', () => {
  it('lists the forwarders targets in its plan, and no user listener', () => {
    // Prepare
    const { client } = fakeClient<KinesisClient>();
    const forwarded = pipeline('forwarded')
      .addListener(forwardProgressToKinesis('streaming-metrics', client))
      .addListener(forwardProgressToEventBridge('ops-bus'))
      .onProgress(() => undefined);
    forwarded.fromKinesis().print();

    // Act
    const { progressTargets } = forwarded.plan;

    // Assess
    expect(progressTargets).toEqual([
      { kind: 'kinesis', name: 'streaming-metrics' },
      { kind: 'eventbridge', name: 'ops-bus' },
    ]);
  });
});
