import type { KinesisStreamEvent } from 'aws-lambda';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { statefulWordCount } from '../../functions/pipelines/stateful-word-count';
import { type AwsClients, createAwsClients } from '../../localstack/clients';
import { type EmbeddedStack, startEmbeddedStack } from '../../localstack/embedded';
import { createPipelineReaders } from '../../localstack/runner/pipeline-readers';
import { ensureBucket, ensureStateTable } from '../../localstack/setup/state-table';
import { kinesisEnvelope as textEnvelope } from '../../test/factories/kinesis-events';
import scheduledEvent from '../../test/fixtures/published/sam-cloudwatch-scheduled-event.json';
import { createKinesisHandler } from './kinesis-handler';

const TABLE = 'envelopes-test';
const environment = (namespace: string) => ({
  SPARKLESS_STATE_TABLE: TABLE,
  SPARKLESS_CHECKPOINT_BUCKET: TABLE,
  SPARKLESS_STATE_NAMESPACE: namespace,
});

describe('Function: createKinesisHandler (malformed envelopes, emulators over HTTP)', () => {
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
    const handler = createKinesisHandler(statefulWordCount, {
      clients,
      environment: environment('malformed'),
      print: () => undefined,
      metrics: { record: () => undefined },
    });
    const readers = createPipelineReaders({
      dynamodb: clients.dynamodb,
      s3: clients.s3,
      tableName: TABLE,
      bucket: TABLE,
      namespace: 'malformed',
    });

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
    const handler = createKinesisHandler(statefulWordCount, {
      clients,
      environment: environment('scheduled'),
      print: () => undefined,
      metrics: { record: () => undefined },
    });

    // Act / Assess
    await expect(handler(scheduledEvent as unknown as KinesisStreamEvent)).rejects.toThrow(
      /\{"sparkless":"tick"\}/,
    );
  });
});
