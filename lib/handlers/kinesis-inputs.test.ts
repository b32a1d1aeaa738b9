import type { KinesisStreamEvent } from 'aws-lambda';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { statefulWordCount } from '../../functions/pipelines/stateful-word-count';
import { type AwsClients, createAwsClients } from '../../localstack/clients';
import { type EmbeddedStack, startEmbeddedStack } from '../../localstack/embedded';
import { createPipelineReaders } from '../../localstack/runner/pipeline-readers';
import { ensureBucket, ensureStateTable } from '../../localstack/setup/state-table';
import { kinesisEnvelope as textEnvelope, kinesisTextEvent } from '../../test/factories/kinesis-events';
import { plainWordCount } from '../../test/factories/word-count-world';
import scheduledEvent from '../../test/fixtures/published/sam-cloudwatch-scheduled-event.json';
import { CheckpointManager, WriteAheadLog } from '../checkpoint';
import { DynamoDbPartitionLedgerStore } from '../ledger';
import { MemoryMetricsSink } from '../metrics';
import { BatchExecutor } from '../runtime';
import { ObjectStoreDeadLetterSink } from '../sinks';
import { kinesisPartitionId } from '../sources';
import { DynamoDbKeyedStateStore, type KeyedStateStore } from '../state';
import { putJson, S3ObjectStore } from '../storage';
import { createKinesisHandler } from './kinesis-handler';

const TABLE = 'kinesis-inputs-test';
const STREAM_A = 'arn:aws:kinesis:us-east-2:123456789012:stream/lambda-stream';
const STREAM_B = 'arn:aws:kinesis:us-east-2:210987654321:stream/lambda-stream';
const LINES = ['to be', 'or not', 'to be', 'that is', 'the question', 'to be'];

describe('Function: createKinesisHandler (envelopes and partition identity, emulators over HTTP)', () => {
  let stack: EmbeddedStack;
  let clients: AwsClients;

  beforeAll(async () => {
    stack = await startEmbeddedStack({ port: 0, persist: false });
    clients = createAwsClients({ endpoint: stack.endpoint, region: stack.region });
    await ensureStateTable(clients.dynamodb, TABLE);
    await ensureBucket(clients.s3, TABLE);
  });

  afterAll(async () => {
    await stack?.stop();
  });

  const setUp = (namespace: string) => {
    const environment = {
      SPARKLESS_STATE_TABLE: TABLE,
      SPARKLESS_CHECKPOINT_BUCKET: TABLE,
      SPARKLESS_STATE_NAMESPACE: namespace,
    };
    const handler = createKinesisHandler(statefulWordCount, {
      clients,
      environment,
      print: () => undefined,
      metrics: new MemoryMetricsSink(),
    });
    const readers = createPipelineReaders({ ...clients, tableName: TABLE, bucket: TABLE, namespace });
    const counts = async () => Object.fromEntries(await readers.readState('global-word-counts'));
    const table = { client: clients.dynamodb, tableName: TABLE, namespace };
    return {
      handler,
      readers,
      counts,
      table,
      objects: new S3ObjectStore({ client: clients.s3, bucket: TABLE }),
    };
  };

  describe('malformed envelopes', () => {
    it('dead-letters each malformed record with a reason and its JSON, counts the rest, and a redelivery changes nothing', async () => {
      // Prepare: good records around every kind of broken envelope
      const good = [textEnvelope('to be', 0), textEnvelope('or not', 10), textEnvelope('to be', 20)];
      const noKinesis = { ...textEnvelope('lost', 1), kinesis: undefined };
      const noEventId = { ...textEnvelope('lost', 2), eventID: undefined };
      const noColon = { ...textEnvelope('lost', 3), eventID: 'shardId-000000000006' };
      const noData = textEnvelope('lost', 4);
      Reflect.deleteProperty(noData.kinesis, 'data');
      const lenient = textEnvelope('', 5);
      lenient.kinesis.data = 'd2!!9y ZA==';
      const badSequence = {
        ...textEnvelope('word', 6),
        kinesis: { ...textEnvelope('word', 6).kinesis, sequenceNumber: 'abc' },
      };
      const event = {
        Records: [good[0], noKinesis, noEventId, noColon, noData, lenient, badSequence, good[1], good[2]],
      } as unknown as KinesisStreamEvent;
      const { handler, readers } = setUp('malformed');

      // Act
      const first = await handler(event);
      const afterFirst = await readers.readDeadLetters();
      const redelivered = await handler(event);

      // Assess: the good records are counted once, nothing is reported as failed
      expect(first).toEqual({ batchItemFailures: [] });
      expect(redelivered).toEqual({ batchItemFailures: [] });
      expect(Object.fromEntries(await readers.readState('global-word-counts'))).toEqual({
        to: 2,
        be: 2,
        or: 1,
        not: 1,
      });
      // Assess: six dead letters with a stable code, the field at fault and the record's JSON bytes
      const deadLetters = await readers.readDeadLetters();
      expect(deadLetters).toHaveLength(6);
      expect(deadLetters.map((entry) => entry.id).sort()).toEqual(afterFirst.map((entry) => entry.id).sort());
      for (const entry of deadLetters) {
        expect(entry).toMatchObject({ kind: 'envelope', errorCode: 'MALFORMED_ENVELOPE' });
        expect(() => JSON.parse(Buffer.from(entry.data ?? '', 'base64').toString('utf8'))).not.toThrow();
      }
      const reasons = deadLetters.map((entry) => entry.reason).join('\n');
      for (const field of ['kinesis', 'eventID', 'kinesis.data', 'kinesis.sequenceNumber'])
        expect(reasons).toContain(field);
      const lenientLetter = deadLetters.find((entry) => entry.reason.includes('base64'));
      expect(JSON.parse(Buffer.from(lenientLetter?.data ?? '', 'base64').toString('utf8'))).toEqual(
        JSON.parse(JSON.stringify(lenient)),
      );
    });

    it('refuses an EventBridge scheduled event with a message naming the tick input', async () => {
      // Prepare
      const { handler } = setUp('scheduled');

      // Act / Assess
      await expect(handler(scheduledEvent as unknown as KinesisStreamEvent)).rejects.toThrow(
        /\{"sparkless":"tick"\}/,
      );
    });
  });

  describe('partition identity', () => {
    it("counts the same shard of two streams apart, even when the second stream's sequence numbers are lower", async () => {
      // Prepare: one function reads two streams (here in two accounts); both have shardId-000000000006
      const { handler, counts } = setUp('two-streams');

      // Act
      const a = await handler(kinesisTextEvent(LINES.slice(0, 3), 100, { eventSourceArn: STREAM_A }));
      const b = await handler(kinesisTextEvent(LINES.slice(3), 0, { eventSourceArn: STREAM_B }));

      // Assess: nothing of stream B was skipped as "already committed" by stream A's ledger
      expect([a, b]).toEqual([{ batchItemFailures: [] }, { batchItemFailures: [] }]);
      expect(await counts()).toEqual(plainWordCount(LINES));
    });

    it('reports deliveries that cannot belong to the ledger (a recreated stream, numbered lower or inside the old range) as failed, skipping nothing', async () => {
      // Prepare: the stream's first life delivered lines 0-2 at sequence numbers +100, +102, +104
      const { handler, counts } = setUp('recreated');
      await handler(kinesisTextEvent(LINES.slice(0, 3), 100, { step: 2 }));
      const later = { approximateArrivalTimestamp: 1_545_084_650.987 + 3600 };

      // Act: the recreated stream (same ARN, so the same partition id) numbers its records lower, or in between
      const lower = kinesisTextEvent(LINES.slice(3), 0, later);
      const inside = kinesisTextEvent(LINES.slice(3, 4), 101, later);
      const responses = [await handler(lower), await handler(inside)];

      // Assess: Lambda is told to retry from the first record (alarms fire) instead of dropping them
      expect(responses).toEqual(
        [lower, inside].map((event) => ({
          batchItemFailures: [{ itemIdentifier: event.Records[0]?.kinesis.sequenceNumber }],
        })),
      );
      expect(await counts()).toEqual(plainWordCount(LINES.slice(0, 3)));
    });

    it('upgrades a namespace of the shard-id release: its open claim, marks and counts carry over exactly', async () => {
      // Prepare: the release before wrote a format-2 checkpoint and named the partition by its shard id
      const { handler, counts, table, objects } = setUp('upgrade');
      const legacy = 'shardId-000000000006';
      const checkpoint = new CheckpointManager(objects, 'upgrade');
      await putJson(objects, checkpoint.metadataKey, {
        formatVersion: 2,
        pipeline: statefulWordCount.name,
        namespace: 'upgrade',
        planFingerprint: statefulWordCount.plan.fingerprint,
        statefulOperators: statefulWordCount.plan.statefulOperators,
        codeVersion: 'old',
        config: {},
        createdAt: 1,
        updatedAt: 1,
      });
      // Prepare: it committed lines 0-1, then claimed lines 2-3 and crashed after the first state write
      const state = new DynamoDbKeyedStateStore({ ...table, largeStates: objects });
      let writesLeft = Number.POSITIVE_INFINITY;
      const crashing: KeyedStateStore = {
        getMany: (...args) => state.getMany(...args),
        get: (...args) => state.get(...args),
        queryGroup: (...args) => state.queryGroup(...args),
        scan: (...args) => state.scan(...args),
        put: async (...args) => {
          if (writesLeft-- <= 0) throw new Error('crash');
          return state.put(...args);
        },
      };
      const oldRelease = new BatchExecutor({
        pipeline: statefulWordCount,
        namespace: 'upgrade',
        state: crashing,
        ledger: new DynamoDbPartitionLedgerStore(table),
        writeAheadLog: new WriteAheadLog(objects, 'upgrade'),
        deadLetters: new ObjectStoreDeadLetterSink(objects, 'upgrade'),
        print: () => undefined,
      });
      const oldRecords = (first: number, last: number) =>
        kinesisTextEvent(LINES, 0)
          .Records.slice(first, last + 1)
          .map((record, i) => ({
            partition: legacy,
            offset: record.kinesis.sequenceNumber,
            key: record.kinesis.partitionKey,
            value: new TextEncoder().encode(LINES[first + i]),
            arrivalTime: 1_545_084_650_987,
          }));
      await oldRelease.processPartition(legacy, oldRecords(0, 1));
      writesLeft = 1;
      await expect(oldRelease.processPartition(legacy, oldRecords(2, 3))).rejects.toThrow(/crash/);

      // Act: the new release gets Lambda's retry with two more lines, then a redelivery of everything
      const retry = await handler(kinesisTextEvent(LINES.slice(2), 2));
      const redelivery = await handler(kinesisTextEvent(LINES, 0));

      // Assess: every line counted exactly once
      expect([retry, redelivery]).toEqual([{ batchItemFailures: [] }, { batchItemFailures: [] }]);
      expect(await counts()).toEqual(plainWordCount(LINES));
      // Assess: the old ledger moved to the stream-and-shard id, and the checkpoint remembers the old format
      const ledgers = new DynamoDbPartitionLedgerStore(table);
      const partition = kinesisPartitionId(STREAM_A, legacy);
      expect(await ledgers.read(legacy)).toMatchObject({ movedTo: partition, open: undefined });
      expect(await ledgers.read(partition)).toMatchObject({ migratedFrom: legacy, nextBatchNumber: 3 });
      expect([...(await ledgers.readAll()).keys()]).toEqual([partition]);
      expect(
        await checkpoint.getOrCreate(statefulWordCount.plan, { codeVersion: 'later', config: {}, now: 2 }),
      ).toMatchObject({
        formatVersion: 3,
        partitionIdFormat: 'stream-shard',
        legacyPartitionIdFormat: 'shard-id',
      });
    });
  });
});
