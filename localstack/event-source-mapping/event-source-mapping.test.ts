import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { KinesisStreamEvent } from 'aws-lambda';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import {
  CheckpointNotInStreamError,
  DestinationDeliveryError,
  EventSourceMappingErrorCode,
  IdleWaitExceededError,
  InMemoryCheckpointStore,
  InvalidEventSourceMappingConfigError,
  JsonFileCheckpointStore,
  KinesisEventSourceMapping,
  type KinesisInvocationRecord,
  KinesisReadError,
  type OnFailureDetails,
  type PollResult,
  ShardPollError,
  StartingPosition,
} from './index';
import {
  createTestMapping,
  createTestStream,
  FakeKinesisServiceError,
  InMemoryKinesis,
  kinesisRecordFactory,
  ManualClock,
  payloadsOf,
  recordingHandler,
  TestStream,
} from './testing';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/** An on-failure destination that keeps what it receives. */
function destinationRecorder(): {
  readonly onFailure: (record: KinesisInvocationRecord, details: OnFailureDetails) => Promise<void>;
  readonly received: { record: KinesisInvocationRecord; details: OnFailureDetails }[];
} {
  const received: { record: KinesisInvocationRecord; details: OnFailureDetails }[] = [];
  return {
    onFailure: async (record, details) => {
      received.push({ record, details });
    },
    received,
  };
}

describe('Class: KinesisEventSourceMapping', () => {
  describe('Method: constructor', () => {
    it.each([
      [{ batchSize: 0 }, 'batchSize must be between 1 and 10000 inclusive (given 0)'],
      [{ batchSize: 10_001 }, 'batchSize must be between 1 and 10000 inclusive (given 10001)'],
      [{ batchSize: 1.5 }, 'batchSize must be an integer (given 1.5)'],
      [
        { maximumBatchingWindowInSeconds: 301 },
        'maximumBatchingWindowInSeconds must be between 0 and 300 inclusive (given 301)',
      ],
      [
        { maximumRetryAttempts: -2 },
        'maximumRetryAttempts must be -1 (infinite) or between 0 and 10000 inclusive (given -2)',
      ],
      [
        { maximumRecordAgeInSeconds: 59 },
        'maximumRecordAgeInSeconds must be -1 (infinite) or between 60 and 604800 inclusive (given 59)',
      ],
      [{ functionTimeoutMs: 0 }, 'functionTimeoutMs must be between 1 and 900000 inclusive (given 0)'],
      [
        { startingPosition: StartingPosition.AT_TIMESTAMP },
        'startingPositionTimestamp must be a valid Date when startingPosition is AT_TIMESTAMP (given undefined)',
      ],
      [
        { startingPositionTimestamp: new Date(0) },
        'startingPositionTimestamp can only be used when startingPosition is AT_TIMESTAMP (startingPosition is TRIM_HORIZON) (given 1970-01-01T00:00:00.000Z)',
      ],
      [
        { streamArn: 'arn:aws:kinesis:eu-west-1:123456789012:stream/other' },
        'streamArn must name the stream events (given "arn:aws:kinesis:eu-west-1:123456789012:stream/other")',
      ],
    ])('rejects %j with a message that echoes the input', (props, message) => {
      // Prepare
      const { kinesis } = createTestStream();
      const { handler } = recordingHandler();

      // Act
      const create = () =>
        new KinesisEventSourceMapping({ kinesis, streamName: TestStream.name, handler, ...props });

      // Assess
      expect(create).toThrow(InvalidEventSourceMappingConfigError);
      expect(create).toThrow(message);
    });

    it('carries a stable code and the offending property', () => {
      // Prepare
      const { kinesis } = createTestStream();
      const { handler } = recordingHandler();

      // Act
      let caught: unknown;
      try {
        new KinesisEventSourceMapping({ kinesis, streamName: TestStream.name, handler, batchSize: 0 });
      } catch (error) {
        caught = error;
      }

      // Assess
      expect(caught).toBeInstanceOf(InvalidEventSourceMappingConfigError);
      expect(caught).toMatchObject({
        code: EventSourceMappingErrorCode.InvalidConfiguration,
        property: 'batchSize',
        given: 0,
      });
    });

    it('derives region, account and ARNs from the stream ARN', () => {
      // Prepare
      const { kinesis } = createTestStream();
      const { handler } = recordingHandler();

      // Act
      const { esm } = createTestMapping(kinesis, { handler });

      // Assess
      expect(esm.streamArn).toBe(TestStream.arn);
      expect(esm.functionArn).toBe(TestStream.functionArn);
      expect(esm.mappingId).toBe(`${TestStream.functionName}:${TestStream.arn}`);
    });
  });

  describe('Method: pollOnce', () => {
    it('builds the event exactly as Lambda does', async () => {
      // Prepare
      const { kinesis, clock, shardIds } = createTestStream();
      clock.advance(123);
      const put = kinesis.putRecord(TestStream.name, { data: 'Hello, this is a test.', partitionKey: '1' });
      const events: KinesisStreamEvent[] = [];
      const { esm } = createTestMapping(kinesis, {
        clock,
        handler: async (event) => {
          events.push(event);
        },
      });

      // Act
      const result = await esm.pollOnce();

      // Assess
      expect(put.sequenceNumber).toMatch(/^\d{56}$/);
      expect(result).toMatchObject({
        shardsPolled: 1,
        recordsFetched: 1,
        invocations: 1,
        recordsDelivered: 1,
      });
      expect(events).toEqual([
        {
          Records: [
            {
              kinesis: {
                kinesisSchemaVersion: '1.0',
                partitionKey: '1',
                sequenceNumber: put.sequenceNumber,
                data: 'SGVsbG8sIHRoaXMgaXMgYSB0ZXN0Lg==',
                approximateArrivalTimestamp: 1_767_225_600.123,
              },
              eventSource: 'aws:kinesis',
              eventVersion: '1.0',
              eventID: `${shardIds[0]}:${put.sequenceNumber}`,
              eventName: 'aws:kinesis:record',
              invokeIdentityArn: `arn:aws:iam::${TestStream.accountId}:role/${TestStream.functionName}-role`,
              awsRegion: TestStream.region,
              eventSourceARN: TestStream.arn,
            },
          ],
        },
      ]);
      expect(Object.keys(events[0]?.Records[0] ?? {})).toEqual([
        'kinesis',
        'eventSource',
        'eventVersion',
        'eventID',
        'eventName',
        'invokeIdentityArn',
        'awsRegion',
        'eventSourceARN',
      ]);
    });

    it('passes a Lambda context with the function and the remaining time', async () => {
      // Prepare
      const { kinesis } = createTestStream();
      kinesisRecordFactory(kinesis, 1);
      const seen: { name: string; arn: string; remaining: number; requestId: string }[] = [];
      const { esm } = createTestMapping(kinesis, {
        functionTimeoutMs: 5_000,
        handler: async (_event, context) => {
          seen.push({
            name: context.functionName,
            arn: context.invokedFunctionArn,
            remaining: context.getRemainingTimeInMillis(),
            requestId: context.awsRequestId,
          });
        },
      });

      // Act
      await esm.pollOnce();

      // Assess
      expect(seen).toEqual([
        {
          name: TestStream.functionName,
          arn: TestStream.functionArn,
          remaining: 5_000,
          requestId: expect.stringMatching(UUID),
        },
      ]);
    });

    it('keeps order per shard with one batch in flight per shard, shards in parallel', async () => {
      // Prepare
      const { kinesis, shardIds } = createTestStream(2);
      const [shardA = '', shardB = ''] = shardIds;
      const putA = kinesisRecordFactory(kinesis, 7, { prefix: 'a', shardId: shardA });
      const putB = kinesisRecordFactory(kinesis, 5, { prefix: 'b', shardId: shardB });
      const inFlight = new Map<string, number>();
      let maxPerShard = 0;
      let maxOverall = 0;
      const delivered = new Map<string, string[]>();
      const { esm } = createTestMapping(kinesis, {
        batchSize: 2,
        handler: async (event) => {
          const shardId = event.Records[0]?.eventID.split(':')[0] ?? '';
          inFlight.set(shardId, (inFlight.get(shardId) ?? 0) + 1);
          maxPerShard = Math.max(maxPerShard, ...inFlight.values());
          maxOverall = Math.max(
            maxOverall,
            [...inFlight.values()].reduce((a, b) => a + b, 0),
          );
          await new Promise((resolve) => setImmediate(resolve));
          delivered.set(shardId, [...(delivered.get(shardId) ?? []), ...payloadsOf(event)]);
          inFlight.set(shardId, (inFlight.get(shardId) ?? 0) - 1);
        },
      });

      // Act
      await esm.runUntilIdle({ maxPolls: 50 });

      // Assess
      expect(delivered.get(shardA)).toEqual(putA.map((record) => record.payload));
      expect(delivered.get(shardB)).toEqual(putB.map((record) => record.payload));
      expect(maxPerShard).toBe(1);
      expect(maxOverall).toBe(2);
    });

    it('sends at most batchSize records per invocation (default 100)', async () => {
      // Prepare
      const { kinesis } = createTestStream();
      kinesisRecordFactory(kinesis, 250);
      const defaults = recordingHandler();
      const small = recordingHandler();
      const { esm: withDefaults } = createTestMapping(kinesis, {
        handler: defaults.handler,
        mappingId: 'defaults',
      });
      const { esm: withSeven } = createTestMapping(kinesis, {
        handler: small.handler,
        mappingId: 'seven',
        batchSize: 7,
      });

      // Act
      await withDefaults.runUntilIdle({ maxPolls: 20 });
      await withSeven.runUntilIdle({ maxPolls: 100 });

      // Assess
      expect(defaults.batches.map((batch) => batch.length)).toEqual([100, 100, 50]);
      expect(small.batches).toHaveLength(36);
      expect(small.batches.every((batch) => batch.length <= 7)).toBe(true);
      expect(small.batches.flat()).toEqual(defaults.batches.flat());
    });

    it('gathers records until the batching window expires or the batch is full', async () => {
      // Prepare
      const { kinesis, clock } = createTestStream();
      const { handler, batches } = recordingHandler();
      const { esm } = createTestMapping(kinesis, {
        clock,
        handler,
        batchSize: 10,
        maximumBatchingWindowInSeconds: 5,
      });
      kinesisRecordFactory(kinesis, 3, { prefix: 'early' });

      // Act
      const beforeWindow = await esm.pollOnce();
      clock.advance(4_999);
      kinesisRecordFactory(kinesis, 2, { prefix: 'late' });
      const justBefore = await esm.pollOnce();
      clock.advance(1);
      const atWindowEnd = await esm.pollOnce();
      kinesisRecordFactory(kinesis, 10, { prefix: 'burst' });
      const full = await esm.pollOnce();

      // Assess
      expect(beforeWindow).toMatchObject({ recordsFetched: 3, invocations: 0, pendingRecords: 3 });
      expect(justBefore).toMatchObject({ recordsFetched: 2, invocations: 0, pendingRecords: 5 });
      expect(atWindowEnd).toMatchObject({ invocations: 1, recordsDelivered: 5, pendingRecords: 0 });
      expect(full).toMatchObject({ invocations: 1, recordsDelivered: 10 });
      expect(batches[0]).toEqual(['early-1', 'early-2', 'early-3', 'late-1', 'late-2']);
    });

    it('cuts a batch before the event exceeds the 6 MB payload limit', async () => {
      // Prepare
      const { kinesis } = createTestStream();
      for (let index = 0; index < 5; index += 1) {
        kinesis.putRecord(TestStream.name, {
          data: new Uint8Array(1024 * 1024).fill(index),
          partitionKey: 'big',
        });
      }
      const sizes: number[] = [];
      const eventBytes: number[] = [];
      const { esm } = createTestMapping(kinesis, {
        batchSize: 10,
        handler: async (event) => {
          sizes.push(event.Records.length);
          eventBytes.push(Buffer.byteLength(JSON.stringify(event)));
        },
      });

      // Act
      await esm.runUntilIdle({ maxPolls: 10 });

      // Assess
      expect(sizes).toEqual([4, 1]);
      expect(Math.max(...eventBytes)).toBeLessThanOrEqual(6 * 1024 * 1024);
    });

    it('starts at LATEST without reading older records', async () => {
      // Prepare
      const { kinesis } = createTestStream();
      kinesisRecordFactory(kinesis, 3, { prefix: 'old' });
      const { handler, batches } = recordingHandler();
      const { esm } = createTestMapping(kinesis, { handler, startingPosition: StartingPosition.LATEST });

      // Act
      await esm.pollOnce();
      kinesisRecordFactory(kinesis, 2, { prefix: 'new' });
      await esm.runUntilIdle({ maxPolls: 10 });

      // Assess
      expect(batches).toEqual([['new-1', 'new-2']]);
    });

    it('starts AT_TIMESTAMP at the first record that arrived at or after it', async () => {
      // Prepare
      const { kinesis, clock } = createTestStream();
      kinesisRecordFactory(kinesis, 2, { prefix: 'before' });
      clock.advance(1_000);
      const from = new Date(clock.now());
      kinesisRecordFactory(kinesis, 2, { prefix: 'after' });
      const { handler, batches } = recordingHandler();
      const { esm } = createTestMapping(kinesis, {
        clock,
        handler,
        startingPosition: StartingPosition.AT_TIMESTAMP,
        startingPositionTimestamp: from,
      });

      // Act
      await esm.runUntilIdle({ maxPolls: 10 });

      // Assess
      expect(batches).toEqual([['after-1', 'after-2']]);
    });

    it('picks up new shards on a later ListShards and reads a child only after its parent ended', async () => {
      // Prepare
      const { kinesis, clock, shardIds } = createTestStream();
      const [parent = ''] = shardIds;
      const { handler, batches } = recordingHandler();
      const { esm } = createTestMapping(kinesis, {
        clock,
        handler,
        batchSize: 1,
        shardDiscoveryIntervalMs: 1_000,
      });
      kinesisRecordFactory(kinesis, 1, { prefix: 'p', shardId: parent });
      await esm.pollOnce();
      kinesisRecordFactory(kinesis, 2, { prefix: 'q', shardId: parent });
      const child = kinesis.addShard(TestStream.name, parent);
      kinesisRecordFactory(kinesis, 2, { prefix: 'c', shardId: child });

      // Act
      const beforeDiscovery = await esm.pollOnce();
      clock.advance(1_000);
      await esm.runUntilIdle({ maxPolls: 20 });

      // Assess
      expect(beforeDiscovery.shardsPolled).toBe(1);
      expect(batches.flat()).toEqual(['p-1', 'q-1', 'q-2', 'c-1', 'c-2']);
      expect(esm.shards()).toEqual([
        { shardId: parent, checkpoint: expect.any(String), ended: true, pendingRecords: 0 },
        { shardId: child, checkpoint: expect.any(String), ended: false, pendingRecords: 0 },
      ]);
      expect(esm.stats.shards).toBe(2);
    });

    it('follows ListShards pagination', async () => {
      // Prepare
      const kinesis = new InMemoryKinesis({ listShardsPageSize: 2 });
      const shardIds = kinesis.createStream(TestStream.name, 5);
      for (const shardId of shardIds) kinesisRecordFactory(kinesis, 1, { prefix: shardId, shardId });
      const { handler, batches } = recordingHandler();
      const { esm } = createTestMapping(kinesis, { handler });

      // Act
      await esm.pollOnce();

      // Assess
      expect(batches).toHaveLength(5);
      expect(kinesis.commandLog.filter((command) => command === 'ListShards')).toHaveLength(3);
    });

    it('reports a failed Kinesis read as a ShardPollError naming the shard, and recovers after the backoff', async () => {
      // Prepare
      const { kinesis, clock } = createTestStream();
      kinesisRecordFactory(kinesis, 2);
      kinesis.failNext(
        'GetRecords',
        new FakeKinesisServiceError('ProvisionedThroughputExceededException', 'slow down'),
      );
      const { handler, batches } = recordingHandler();
      const reported: unknown[] = [];
      const { esm } = createTestMapping(kinesis, {
        handler,
        clock,
        retryBackoffInitialMs: 1_000,
        onError: (error) => reported.push(error),
      });

      // Act
      const failed = await esm.pollOnce();
      const duringBackoff = await esm.pollOnce();
      clock.advance(1_000);
      await esm.runUntilIdle({ maxPolls: 10 });

      // Assess
      expect(failed.errors).toHaveLength(1);
      const [error] = failed.errors;
      expect(error).toBeInstanceOf(ShardPollError);
      expect(error).toMatchObject({ shardId: 'shardId-000000000000', retryInMs: 1_000 });
      expect(error?.cause).toBeInstanceOf(KinesisReadError);
      expect(error?.message).toBe(
        'shardId-000000000000: GetRecords for shardId-000000000000 failed: ' +
          'ProvisionedThroughputExceededException: slow down; retrying in 1 s',
      );
      expect(reported).toEqual([error]);
      expect(duringBackoff).toMatchObject({ recordsFetched: 0, invocations: 0, errors: [] });
      expect(batches).toEqual([['r-1', 'r-2']]);
      expect(esm.stats.pollErrors).toBe(1);
    });

    it('re-acquires an expired shard iterator after the last record read', async () => {
      // Prepare
      const { kinesis } = createTestStream();
      kinesisRecordFactory(kinesis, 2, { prefix: 'first' });
      const { handler, batches } = recordingHandler();
      const { esm } = createTestMapping(kinesis, { handler });
      await esm.pollOnce();
      kinesisRecordFactory(kinesis, 1, { prefix: 'second' });
      kinesis.failNext(
        'GetRecords',
        new FakeKinesisServiceError('ExpiredIteratorException', 'Iterator expired'),
      );

      // Act
      await esm.runUntilIdle({ maxPolls: 10 });

      // Assess
      expect(batches).toEqual([['first-1', 'first-2'], ['second-1']]);
      expect(esm.stats.pollErrors).toBe(0);
    });
  });

  describe('Method: pollOnce (error handling)', () => {
    it('retries a failed batch with the same records until it succeeds', async () => {
      // Prepare
      const { kinesis } = createTestStream();
      kinesisRecordFactory(kinesis, 3);
      const { handler, batches } = recordingHandler((_payloads, _event, call) => {
        if (call <= 2) throw new Error(`failure ${call}`);
      });
      const { esm } = createTestMapping(kinesis, { handler });

      // Act
      await esm.runUntilIdle({ maxPolls: 10 });

      // Assess
      expect(batches).toEqual([
        ['r-1', 'r-2', 'r-3'],
        ['r-1', 'r-2', 'r-3'],
        ['r-1', 'r-2', 'r-3'],
      ]);
      expect(esm.stats).toMatchObject({
        invocations: 3,
        functionErrors: 2,
        retries: 2,
        recordsSucceeded: 3,
        batchesDiscarded: 0,
      });
    });

    it('stops reading the shard while a batch is failing', async () => {
      // Prepare
      const { kinesis } = createTestStream();
      kinesisRecordFactory(kinesis, 2, { prefix: 'a' });
      const { handler, batches } = recordingHandler((payloads) => {
        if (payloads.includes('a-1') && batches.length < 3) throw new Error('boom');
      });
      const { esm } = createTestMapping(kinesis, { handler });
      await esm.pollOnce();
      kinesisRecordFactory(kinesis, 2, { prefix: 'b' });

      // Act
      await esm.pollOnce();
      await esm.pollOnce();
      await esm.pollOnce();

      // Assess
      expect(batches).toEqual([
        ['a-1', 'a-2'],
        ['a-1', 'a-2'],
        ['a-1', 'a-2'],
        ['b-1', 'b-2'],
      ]);
    });

    it('bisects a failing batch down to the poison record, then discards it', async () => {
      // Prepare
      const { kinesis } = createTestStream();
      const put = kinesisRecordFactory(kinesis, 8);
      const { handler, batches } = recordingHandler((payloads) => {
        if (payloads.includes('r-5')) throw new Error('poison');
      });
      const destination = destinationRecorder();
      const { esm } = createTestMapping(kinesis, {
        handler,
        batchSize: 8,
        bisectBatchOnFunctionError: true,
        maximumRetryAttempts: 1,
        onFailure: destination.onFailure,
      });

      // Act
      await esm.runUntilIdle({ maxPolls: 20 });

      // Assess
      expect(batches).toEqual([
        ['r-1', 'r-2', 'r-3', 'r-4', 'r-5', 'r-6', 'r-7', 'r-8'],
        ['r-1', 'r-2', 'r-3', 'r-4'],
        ['r-5', 'r-6', 'r-7', 'r-8'],
        ['r-5', 'r-6'],
        ['r-5'],
        ['r-5'],
        ['r-6'],
        ['r-7', 'r-8'],
      ]);
      expect(destination.received).toHaveLength(1);
      expect(destination.received[0]?.record.KinesisBatchInfo).toMatchObject({
        startSequenceNumber: put[4]?.sequenceNumber,
        endSequenceNumber: put[4]?.sequenceNumber,
        batchSize: 1,
      });
      expect(destination.received[0]?.record.requestContext.approximateInvokeCount).toBe(2);
      expect(esm.stats).toMatchObject({
        bisections: 3,
        retries: 1,
        recordsSucceeded: 7,
        recordsDiscarded: 1,
      });
    });

    it('restarts after the lowest failed item of a partial batch response', async () => {
      // Prepare
      const { kinesis, shardIds } = createTestStream();
      const put = kinesisRecordFactory(kinesis, 5);
      const store = new InMemoryCheckpointStore();
      const { handler, batches } = recordingHandler((_payloads, event, call) =>
        call === 1
          ? {
              batchItemFailures: [
                { itemIdentifier: event.Records[3]?.kinesis.sequenceNumber ?? '' },
                { itemIdentifier: event.Records[2]?.kinesis.sequenceNumber ?? '' },
              ],
            }
          : { batchItemFailures: [] },
      );
      const { esm } = createTestMapping(kinesis, {
        handler,
        reportBatchItemFailures: true,
        checkpointStore: store,
      });

      // Act
      await esm.pollOnce();
      const checkpointAfterPartial = await store.load(esm.mappingId, shardIds[0] ?? '');
      await esm.runUntilIdle({ maxPolls: 10 });

      // Assess
      expect(checkpointAfterPartial).toEqual({ sequenceNumber: put[1]?.sequenceNumber, shardEnd: false });
      expect(batches).toEqual([
        ['r-1', 'r-2', 'r-3', 'r-4', 'r-5'],
        ['r-3', 'r-4', 'r-5'],
      ]);
      expect(esm.stats).toMatchObject({
        partialBatchFailures: 1,
        retries: 1,
        recordsSucceeded: 5,
        functionErrors: 0,
      });
    });

    it.each([
      ['undefined', undefined],
      ['null', null],
      ['an empty string', ''],
      ['an empty object', {}],
      ['an empty list', { batchItemFailures: [] }],
      ['a null list', { batchItemFailures: null }],
    ])('treats %s as a complete success', async (_label, response) => {
      // Prepare
      const { kinesis } = createTestStream();
      kinesisRecordFactory(kinesis, 2);
      const { handler, batches } = recordingHandler(() => response as never);
      const { esm } = createTestMapping(kinesis, { handler, reportBatchItemFailures: true });

      // Act
      await esm.runUntilIdle({ maxPolls: 10 });

      // Assess
      expect(batches).toEqual([['r-1', 'r-2']]);
    });

    it.each([
      ['an empty itemIdentifier', [{ itemIdentifier: '' }]],
      ['a null itemIdentifier', [{ itemIdentifier: null }]],
      ['a bad key name', [{ foo: 'bar' }]],
      ['a number', [{ itemIdentifier: 123 }]],
      ['a sequence number not in the batch', [{ itemIdentifier: '1' }]],
    ])('treats %s as a complete failure and retries the whole batch', async (_label, failures) => {
      // Prepare
      const { kinesis } = createTestStream();
      kinesisRecordFactory(kinesis, 2);
      const { handler, batches } = recordingHandler((_payloads, _event, call) =>
        call === 1 ? ({ batchItemFailures: failures } as never) : undefined,
      );
      const { esm } = createTestMapping(kinesis, { handler, reportBatchItemFailures: true });

      // Act
      await esm.runUntilIdle({ maxPolls: 10 });

      // Assess
      expect(batches).toEqual([
        ['r-1', 'r-2'],
        ['r-1', 'r-2'],
      ]);
      expect(esm.stats).toMatchObject({ functionErrors: 1, retries: 1 });
    });

    it('ignores the response without reportBatchItemFailures', async () => {
      // Prepare
      const { kinesis } = createTestStream();
      kinesisRecordFactory(kinesis, 2);
      const { handler, batches } = recordingHandler((_payloads, event) => ({
        batchItemFailures: [{ itemIdentifier: event.Records[0]?.kinesis.sequenceNumber ?? '' }],
      }));
      const { esm } = createTestMapping(kinesis, { handler });

      // Act
      await esm.runUntilIdle({ maxPolls: 10 });

      // Assess
      expect(batches).toEqual([['r-1', 'r-2']]);
    });

    it('sends the documented invocation record after maximumRetryAttempts and moves on', async () => {
      // Prepare
      const { kinesis, clock, shardIds } = createTestStream();
      const put = kinesisRecordFactory(kinesis, 2, { prefix: 'bad' });
      clock.advance(250);
      kinesisRecordFactory(kinesis, 2, { prefix: 'good' });
      const failure = new Error('cannot parse');
      const { handler, batches } = recordingHandler((payloads) => {
        if (payloads.includes('bad-1')) throw failure;
      });
      const destination = destinationRecorder();
      const { esm } = createTestMapping(kinesis, {
        clock,
        handler,
        batchSize: 2,
        maximumRetryAttempts: 2,
        onFailure: destination.onFailure,
      });
      const firstArrival = new Date(clock.now() - 250).toISOString();

      // Act
      await esm.runUntilIdle({ maxPolls: 10 });

      // Assess
      expect(batches).toEqual([
        ['bad-1', 'bad-2'],
        ['bad-1', 'bad-2'],
        ['bad-1', 'bad-2'],
        ['good-1', 'good-2'],
      ]);
      const [sent] = destination.received;
      expect(sent?.record).toEqual({
        requestContext: {
          requestId: expect.stringMatching(UUID),
          functionArn: TestStream.functionArn,
          condition: 'RetryAttemptsExhausted',
          approximateInvokeCount: 3,
        },
        responseContext: { statusCode: 200, executedVersion: '$LATEST', functionError: 'Unhandled' },
        version: '1.0',
        timestamp: new Date(clock.now()).toISOString(),
        KinesisBatchInfo: {
          shardId: shardIds[0],
          startSequenceNumber: put[0]?.sequenceNumber,
          endSequenceNumber: put[1]?.sequenceNumber,
          approximateArrivalOfFirstRecord: firstArrival,
          approximateArrivalOfLastRecord: firstArrival,
          batchSize: 2,
          streamArn: TestStream.arn,
        },
      });
      expect(Object.keys(sent?.record ?? {})).toEqual([
        'requestContext',
        'responseContext',
        'version',
        'timestamp',
        'KinesisBatchInfo',
      ]);
      expect(sent?.details.lastError).toBe(failure);
      expect(payloadsOf(sent?.details.event ?? { Records: [] })).toEqual(['bad-1', 'bad-2']);
      expect(esm.stats).toMatchObject({
        failuresSentToDestination: 1,
        batchesDiscarded: 1,
        recordsSucceeded: 2,
      });
    });

    it('discards after the first failure with maximumRetryAttempts 0, even without a destination', async () => {
      // Prepare
      const { kinesis } = createTestStream();
      kinesisRecordFactory(kinesis, 1);
      const { handler, batches } = recordingHandler(() => {
        throw new Error('always');
      });
      const { esm } = createTestMapping(kinesis, { handler, maximumRetryAttempts: 0 });

      // Act
      await esm.runUntilIdle({ maxPolls: 10 });

      // Assess
      expect(batches).toEqual([['r-1']]);
      expect(esm.stats).toMatchObject({
        batchesDiscarded: 1,
        recordsDiscarded: 1,
        failuresSentToDestination: 0,
      });
      expect(esm.shards()[0]?.checkpoint).toMatch(/^\d{56}$/);
    });

    it('reports functionError null when a partial batch response exhausts the retries', async () => {
      // Prepare
      const { kinesis } = createTestStream();
      kinesisRecordFactory(kinesis, 2);
      const { handler } = recordingHandler((_payloads, event) => ({
        batchItemFailures: [{ itemIdentifier: event.Records[0]?.kinesis.sequenceNumber ?? '' }],
      }));
      const destination = destinationRecorder();
      const { esm } = createTestMapping(kinesis, {
        handler,
        reportBatchItemFailures: true,
        bisectBatchOnFunctionError: true,
        maximumRetryAttempts: 1,
        onFailure: destination.onFailure,
      });

      // Act
      await esm.runUntilIdle({ maxPolls: 10 });

      // Assess
      expect(destination.received[0]?.record.responseContext).toEqual({
        statusCode: 200,
        executedVersion: '$LATEST',
        functionError: null,
      });
      expect(destination.received[0]?.record.requestContext.approximateInvokeCount).toBe(2);
      expect(destination.received[0]?.record.KinesisBatchInfo.batchSize).toBe(2);
      expect(esm.stats.bisections).toBe(0);
    });

    it('discards records older than maximumRecordAgeInSeconds without sending them', async () => {
      // Prepare
      const { kinesis, clock } = createTestStream();
      const [old] = kinesisRecordFactory(kinesis, 1, { prefix: 'old' });
      clock.advance(61_000);
      kinesisRecordFactory(kinesis, 2, { prefix: 'fresh' });
      const { handler, batches } = recordingHandler();
      const destination = destinationRecorder();
      const { esm } = createTestMapping(kinesis, {
        clock,
        handler,
        maximumRecordAgeInSeconds: 60,
        onFailure: destination.onFailure,
      });

      // Act
      await esm.runUntilIdle({ maxPolls: 10 });

      // Assess
      expect(batches).toEqual([['fresh-1', 'fresh-2']]);
      const [sent] = destination.received;
      expect(sent?.record.requestContext).toMatchObject({
        condition: 'RecordAgeExceeded',
        approximateInvokeCount: 1,
      });
      expect(sent?.record).not.toHaveProperty('responseContext');
      expect(sent?.record.KinesisBatchInfo).toMatchObject({
        startSequenceNumber: old?.sequenceNumber,
        endSequenceNumber: old?.sequenceNumber,
        batchSize: 1,
      });
    });

    it('discards a retried batch once its records exceed the maximum age', async () => {
      // Prepare
      const { kinesis, clock } = createTestStream();
      kinesisRecordFactory(kinesis, 1);
      const { handler, batches } = recordingHandler(() => {
        throw new Error('always');
      });
      const destination = destinationRecorder();
      const { esm } = createTestMapping(kinesis, {
        clock,
        handler,
        maximumRecordAgeInSeconds: 60,
        onFailure: destination.onFailure,
      });

      // Act
      await esm.pollOnce();
      clock.advance(30_000);
      await esm.pollOnce();
      clock.advance(30_001);
      const expired = await esm.pollOnce();

      // Assess
      expect(batches).toHaveLength(2);
      expect(expired).toMatchObject({ invocations: 0, failuresSentToDestination: 1, pendingRecords: 0 });
      expect(destination.received[0]?.record.requestContext).toMatchObject({
        condition: 'RecordAgeExceeded',
        approximateInvokeCount: 3,
      });
    });

    it('retries a timed-out batch while the timed-out invocation keeps running', async () => {
      // Prepare
      const { kinesis, clock } = createTestStream();
      kinesisRecordFactory(kinesis, 2);
      const log: string[] = [];
      let releaseFirst: () => void = () => undefined;
      const { esm } = createTestMapping(kinesis, {
        clock,
        functionTimeoutMs: 1_000,
        handler: async (_event, context) => {
          const call = log.filter((line) => line.startsWith('start')).length + 1;
          log.push(`start ${call} (${context.getRemainingTimeInMillis()} ms left)`);
          if (call === 1) await new Promise<void>((resolve) => (releaseFirst = resolve));
          log.push(`end ${call}`);
        },
      });

      // Act
      const firstPoll = esm.pollOnce();
      await vi.waitFor(() => expect(log).toEqual(['start 1 (1000 ms left)']), { interval: 1 });
      clock.advance(1_000);
      const timedOut = await firstPoll;
      const retried = await esm.pollOnce();
      releaseFirst();
      await vi.waitFor(() => expect(log).toHaveLength(4), { interval: 1 });

      // Assess
      expect(timedOut).toMatchObject({ invocations: 1, pendingRecords: 2 });
      expect(retried).toMatchObject({ invocations: 1, pendingRecords: 0 });
      expect(log).toEqual(['start 1 (1000 ms left)', 'start 2 (1000 ms left)', 'end 2', 'end 1']);
      expect(esm.stats).toMatchObject({ timeouts: 1, functionErrors: 1, retries: 1, recordsSucceeded: 2 });
      expect(clock.pendingTimers).toBe(0);
    });

    it('keeps a discarded batch until the destination accepts its record, without invoking again', async () => {
      // Prepare
      const { kinesis } = createTestStream();
      kinesisRecordFactory(kinesis, 1, { prefix: 'bad' });
      kinesisRecordFactory(kinesis, 1, { prefix: 'good' });
      const { handler, batches } = recordingHandler((payloads) => {
        if (payloads.includes('bad-1')) throw new Error('bad');
      });
      let rejections = 1;
      const accepted: KinesisInvocationRecord[] = [];
      const { esm } = createTestMapping(kinesis, {
        handler,
        batchSize: 1,
        maximumRetryAttempts: 0,
        onFailure: async (record) => {
          if (rejections > 0) {
            rejections -= 1;
            throw new Error('queue unavailable');
          }
          accepted.push(record);
        },
      });

      // Act
      const rejected = await esm.pollOnce();
      await esm.runUntilIdle({ maxPolls: 10 });

      // Assess
      expect(rejected.errors[0]?.cause).toBeInstanceOf(DestinationDeliveryError);
      expect(batches).toEqual([['bad-1'], ['good-1']]);
      expect(accepted).toHaveLength(1);
      expect(esm.stats).toMatchObject({ failuresSentToDestination: 1, pollErrors: 1 });
    });
  });

  describe('Checkpoints the stream no longer holds', () => {
    it('warns and resumes at the first record after a checkpoint the stream lost (instead of stalling)', async () => {
      // Prepare: the stream kept r-1 and r-2, lost what the checkpoint names, and got r-3 since
      const clock = new ManualClock();
      const kinesis = new InMemoryKinesis({ clock, rejectUnknownSequenceNumbers: true });
      const [shardId = ''] = kinesis.createStream(TestStream.name, 1);
      const kept = kinesisRecordFactory(kinesis, 2);
      const lostCheckpoint = (BigInt(kept[1]?.sequenceNumber ?? '0') + 1n).toString();
      kinesisRecordFactory(kinesis, 1, { prefix: 'new' });
      const checkpointStore = new InMemoryCheckpointStore();
      const { handler, batches } = recordingHandler();
      const warnings: unknown[] = [];
      const { esm } = createTestMapping(kinesis, {
        handler,
        clock,
        checkpointStore,
        onError: (error) => warnings.push(error),
      });
      await checkpointStore.save(esm.mappingId, shardId, { sequenceNumber: lostCheckpoint, shardEnd: false });

      // Act
      await esm.runUntilIdle({ maxPolls: 10 });

      // Assess
      expect(batches).toEqual([['new-1']]);
      expect(warnings).toHaveLength(1);
      expect(warnings[0]).toBeInstanceOf(CheckpointNotInStreamError);
      expect(warnings[0]).toMatchObject({ shardId, sequenceNumber: lostCheckpoint });
      expect((warnings[0] as Error).message).toMatch(
        /^shardId-000000000000: checkpoint sequence number \d+ is not in the stream .*; resuming at the first record after it$/,
      );
    });
  });

  describe('Retry backoff (virtual time)', () => {
    /** Polls once per `stepMs` of virtual time for `totalMs`, like the background loop would. */
    async function pollFor(
      esm: KinesisEventSourceMapping,
      clock: ManualClock,
      totalMs: number,
      stepMs = 250,
    ): Promise<PollResult[]> {
      const rounds: PollResult[] = [];
      for (let elapsed = 0; elapsed <= totalMs; elapsed += stepMs) {
        rounds.push(await esm.pollOnce());
        clock.advance(stepMs);
      }
      return rounds;
    }

    it('waits 1 s, 2 s, 4 s… (doubling up to retryBackoffMaxMs) between retries of a failed batch', async () => {
      // Prepare
      const { kinesis, clock } = createTestStream();
      kinesisRecordFactory(kinesis, 2);
      const start = clock.now();
      const invokedAt: number[] = [];
      const { handler } = recordingHandler(() => {
        invokedAt.push(clock.now() - start);
        throw new Error('store unavailable');
      });
      const { esm } = createTestMapping(kinesis, {
        handler,
        clock,
        maximumRetryAttempts: 5,
        retryBackoffInitialMs: 1_000,
        retryBackoffMaxMs: 4_000,
      });

      // Act
      await pollFor(esm, clock, 30_000);

      // Assess
      expect(invokedAt).toEqual([0, 1_000, 3_000, 7_000, 11_000, 15_000]);
      expect(esm.stats).toMatchObject({ invocations: 6, retries: 5, batchesDiscarded: 1 });
    });

    it('uses Lambda-like defaults: first retry after 1 s, then doubling, capped at 60 s', async () => {
      // Prepare
      const { kinesis, clock } = createTestStream();
      kinesisRecordFactory(kinesis, 1);
      const start = clock.now();
      const invokedAt: number[] = [];
      const { handler } = recordingHandler(() => {
        invokedAt.push(clock.now() - start);
        throw new Error('store unavailable');
      });
      const esm = new KinesisEventSourceMapping({
        kinesis,
        streamName: TestStream.name,
        handler,
        clock,
        pollIntervalMs: 0,
      });

      // Act
      await pollFor(esm, clock, 300_000, 1_000);

      // Assess: 1, 2, 4, 8, 16, 32, then 60 s apart
      expect(invokedAt.slice(0, 9)).toEqual([
        0, 1_000, 3_000, 7_000, 15_000, 31_000, 63_000, 123_000, 183_000,
      ]);
    });

    it('retries forever with maximumRetryAttempts -1 and resumes by itself once the cause is fixed', async () => {
      // Prepare
      const { kinesis, clock } = createTestStream();
      kinesisRecordFactory(kinesis, 3);
      const start = clock.now();
      const outageMs = 10 * 60_000;
      const { handler, batches } = recordingHandler(() => {
        if (clock.now() - start < outageMs) throw new Error('store unavailable');
      });
      const { esm } = createTestMapping(kinesis, {
        handler,
        clock,
        maximumRetryAttempts: -1,
        bisectBatchOnFunctionError: true,
        retryBackoffInitialMs: 1_000,
        retryBackoffMaxMs: 60_000,
      });

      // Act
      await pollFor(esm, clock, outageMs + 61_000, 1_000);

      // Assess: no discard, no burst (one invocation per backoff step), then everything once
      expect(esm.stats.batchesDiscarded).toBe(0);
      expect(esm.stats.invocations).toBeLessThan(25);
      expect(esm.stats.recordsSucceeded).toBe(3);
      expect(esm.shards()[0]?.pendingRecords).toBe(0);
      expect(batches.at(-1)).toEqual(['r-3']);
    });

    it('retries a failing on-failure destination with backoff and never drops the batch', async () => {
      // Prepare
      const { kinesis, clock } = createTestStream();
      kinesisRecordFactory(kinesis, 1, { prefix: 'bad' });
      kinesisRecordFactory(kinesis, 1, { prefix: 'good' });
      const start = clock.now();
      const attemptsAt: number[] = [];
      const accepted: KinesisInvocationRecord[] = [];
      const { handler, batches } = recordingHandler((payloads) => {
        if (payloads.includes('bad-1')) throw new Error('poison');
      });
      const { esm } = createTestMapping(kinesis, {
        handler,
        clock,
        batchSize: 1,
        maximumRetryAttempts: 0,
        retryBackoffInitialMs: 1_000,
        onFailure: async (record) => {
          attemptsAt.push(clock.now() - start);
          if (attemptsAt.length <= 3) throw new Error('queue unavailable');
          accepted.push(record);
        },
      });

      // Act
      const rounds = await pollFor(esm, clock, 20_000);

      // Assess: the send is retried after 1, 2 and 4 s; the good record waits behind it
      expect(attemptsAt).toEqual([0, 1_000, 3_000, 7_000]);
      expect(accepted).toHaveLength(1);
      expect(batches).toEqual([['bad-1'], ['good-1']]);
      expect(rounds.flatMap((round) => round.errors).map((error) => error.message)).toEqual([
        expect.stringMatching(/^shardId-000000000000: on-failure destination rejected .*; retrying in 1 s$/),
        expect.stringMatching(/; retrying in 2 s$/),
        expect.stringMatching(/; retrying in 4 s$/),
      ]);
    });

    it('keeps polling every shard through an outage of the stream (no AggregateError) and recovers by itself', async () => {
      // Prepare
      const { kinesis, clock, shardIds } = createTestStream(2);
      for (const shardId of shardIds) kinesisRecordFactory(kinesis, 2, { prefix: shardId, shardId });
      const { handler, batches } = recordingHandler();
      const reported: string[] = [];
      const { esm } = createTestMapping(kinesis, {
        handler,
        clock,
        retryBackoffInitialMs: 1_000,
        shardDiscoveryIntervalMs: 600_000,
        onError: (error) => reported.push((error as Error).message),
      });
      await esm.pollOnce();
      kinesis.setOutage(new FakeKinesisServiceError('ECONNREFUSED', 'connect ECONNREFUSED 127.0.0.1:4566'));
      for (const shardId of shardIds)
        kinesisRecordFactory(kinesis, 1, { prefix: `${shardId}-late`, shardId });

      // Act: virtual time runs on while the run is in progress; the stream comes back after 20 s
      const start = clock.now();
      let settled = false;
      const run = esm.runUntilIdle({ idlePolls: 2 }).finally(() => {
        settled = true;
      });
      for (let tick = 0; !settled && tick < 500; tick++) {
        await new Promise((resolve) => setImmediate(resolve));
        if (clock.now() - start >= 20_000) kinesis.setOutage(undefined);
        clock.advance(500);
      }
      await run;

      // Assess
      expect(batches.flat().sort()).toEqual(
        shardIds.flatMap((id) => [`${id}-1`, `${id}-2`, `${id}-late-1`]).sort(),
      );
      expect(reported.length).toBeGreaterThanOrEqual(2);
      for (const line of reported) {
        expect(line).toMatch(/^shardId-00000000000[01]: .*ECONNREFUSED.*; retrying in \d+ s$/);
      }
      expect(new Set(reported.map((line) => line.split(':')[0]))).toEqual(new Set(shardIds));
    });
  });

  describe('Method: runUntilIdle', () => {
    it('drains every shard and returns the totals', async () => {
      // Prepare
      const { kinesis, shardIds } = createTestStream(3);
      for (const shardId of shardIds) kinesisRecordFactory(kinesis, 4, { prefix: shardId, shardId });
      const { handler, batches } = recordingHandler();
      const { esm } = createTestMapping(kinesis, { handler, batchSize: 3 });

      // Act
      const result = await esm.runUntilIdle({ idlePolls: 3, maxPolls: 20 });

      // Assess
      expect(result).toMatchObject({
        recordsFetched: 12,
        invocations: 6,
        recordsDelivered: 12,
        failuresSentToDestination: 0,
      });
      expect(batches.flat()).toHaveLength(12);
      expect(esm.stats).toMatchObject({
        invocations: 6,
        recordsDelivered: 12,
        recordsSucceeded: 12,
        shards: 3,
      });
    });

    it('gives up after maxPolls with IdleWaitExceededError', async () => {
      // Prepare
      const { kinesis } = createTestStream();
      kinesisRecordFactory(kinesis, 1);
      const { handler } = recordingHandler(() => {
        throw new Error('never succeeds');
      });
      const { esm } = createTestMapping(kinesis, { handler });

      // Act
      const run = esm.runUntilIdle({ maxPolls: 5 });

      // Assess
      await expect(run).rejects.toBeInstanceOf(IdleWaitExceededError);
      await expect(run).rejects.toMatchObject({
        polls: 5,
        code: EventSourceMappingErrorCode.IdleWaitExceeded,
      });
    });
  });

  describe('Method: start / stop', () => {
    it('processes records in the background and stop waits for the batch in flight', async () => {
      // Prepare
      const { kinesis, shardIds } = createTestStream(2);
      const [shardA = '', shardB = ''] = shardIds;
      kinesisRecordFactory(kinesis, 3, { prefix: 'a', shardId: shardA });
      let releaseBatch: () => void = () => undefined;
      let blocking = false;
      const { handler, batches } = recordingHandler(async (payloads) => {
        if (payloads.includes('b-1')) {
          blocking = true;
          await new Promise<void>((resolve) => (releaseBatch = resolve));
        }
      });
      const { esm } = createTestMapping(kinesis, { handler });

      // Act
      esm.start();
      esm.start();
      await vi.waitFor(() => expect(batches.flat()).toEqual(['a-1', 'a-2', 'a-3']), { interval: 1 });
      kinesisRecordFactory(kinesis, 1, { prefix: 'b', shardId: shardB });
      await vi.waitFor(() => expect(blocking).toBe(true), { interval: 1 });
      let stopped = false;
      const stopping = esm.stop().then(() => {
        stopped = true;
      });
      await new Promise((resolve) => setTimeout(resolve, 10));
      const stoppedBeforeRelease = stopped;
      releaseBatch();
      await stopping;

      // Assess
      expect(stoppedBeforeRelease).toBe(false);
      expect(esm.running).toBe(false);
      expect(esm.stats.recordsSucceeded).toBe(4);
    });

    it('reports loop errors to onError and keeps polling', async () => {
      // Prepare
      const { kinesis } = createTestStream();
      kinesisRecordFactory(kinesis, 1);
      kinesis.failNext('GetRecords', new FakeKinesisServiceError('InternalFailure', 'try again'));
      const errors: unknown[] = [];
      const { handler, batches } = recordingHandler();
      const { esm } = createTestMapping(kinesis, { handler, onError: (error) => errors.push(error) });

      // Act
      esm.start();
      await vi.waitFor(() => expect(batches).toEqual([['r-1']]), { interval: 1 });
      await esm.stop();

      // Assess
      expect(errors).toHaveLength(1);
      expect(errors[0]).toBeInstanceOf(ShardPollError);
      expect((errors[0] as ShardPollError).cause).toBeInstanceOf(KinesisReadError);
      expect(esm.lastError).toBe(errors[0]);
    });
  });

  describe('Checkpoints', () => {
    let directory = '';

    beforeEach(async () => {
      directory = await mkdtemp(join(tmpdir(), 'esm-checkpoints-'));
    });

    afterEach(async () => {
      await rm(directory, { recursive: true, force: true });
    });

    it('continues after its checkpoint when restarted with a JSON file store', async () => {
      // Prepare
      const { kinesis } = createTestStream();
      const path = join(directory, 'nested', 'checkpoints.json');
      kinesisRecordFactory(kinesis, 3, { prefix: 'before' });
      const first = recordingHandler();
      const { esm: firstRun } = createTestMapping(kinesis, {
        handler: first.handler,
        checkpointStore: new JsonFileCheckpointStore({ path }),
      });
      await firstRun.runUntilIdle({ maxPolls: 10 });
      kinesisRecordFactory(kinesis, 2, { prefix: 'after' });
      kinesis.commandLog.length = 0;
      const second = recordingHandler();
      const { esm: secondRun } = createTestMapping(kinesis, {
        handler: second.handler,
        checkpointStore: new JsonFileCheckpointStore({ path }),
      });

      // Act
      await secondRun.runUntilIdle({ maxPolls: 10 });

      // Assess
      expect(first.batches).toEqual([['before-1', 'before-2', 'before-3']]);
      expect(second.batches).toEqual([['after-1', 'after-2']]);
    });

    it('redelivers from the failed item after a restart in the middle of a partial failure', async () => {
      // Prepare
      const { kinesis } = createTestStream();
      kinesisRecordFactory(kinesis, 4);
      const store = new InMemoryCheckpointStore();
      const crashing = recordingHandler((_payloads, event) => ({
        batchItemFailures: [{ itemIdentifier: event.Records[2]?.kinesis.sequenceNumber ?? '' }],
      }));
      const { esm: firstRun } = createTestMapping(kinesis, {
        handler: crashing.handler,
        reportBatchItemFailures: true,
        checkpointStore: store,
      });
      await firstRun.pollOnce();
      const healthy = recordingHandler();
      const { esm: secondRun } = createTestMapping(kinesis, {
        handler: healthy.handler,
        checkpointStore: store,
      });

      // Act
      await secondRun.runUntilIdle({ maxPolls: 10 });

      // Assess
      expect(crashing.batches).toEqual([['r-1', 'r-2', 'r-3', 'r-4']]);
      expect(healthy.batches).toEqual([['r-3', 'r-4']]);
    });
  });
});
