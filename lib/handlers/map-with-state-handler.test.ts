import { MemoryMetricsSink } from '../metrics';
import type { KinesisStreamEvent } from 'aws-lambda';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAwsClients } from '../../localstack/clients';
import { type EmbeddedStack, startEmbeddedStack } from '../../localstack/embedded';
import { ensureBucket, ensureStateTable } from '../../localstack/setup/state-table';
import event from '../../test/fixtures/kinesis-event.json';
import { decodeUtf8, ManualClock, pipeline, unwrapMapWithState } from '../core';
import { DynamoDbKeyedStateStore } from '../state';
import { S3ObjectStore } from '../storage';
import { createKinesisHandler } from './kinesis-handler';
import { WINDOW_TICK } from './window-tick';

describe('Function: createKinesisHandler with a mapWithState timeout (emulators over HTTP)', () => {
  let stack: EmbeddedStack;

  beforeAll(async () => {
    stack = await startEmbeddedStack({ port: 0, persist: false });
    const clients = createAwsClients({ endpoint: stack.endpoint, region: stack.region });
    await ensureStateTable(clients.dynamodb, 'timeout-handler-test');
    await ensureBucket(clients.s3, 'timeout-handler-test');
  });

  afterAll(async () => {
    await stack?.stop();
  });

  it('needs the scheduled trigger, and times idle keys out on the tick', async () => {
    // Prepare: word counts per session, ended after 5 minutes without the word (timer buckets of 18.75 s)
    const sessions: (readonly [string, number])[] = [];
    const batchIds: string[] = [];
    const wordSessions = pipeline('word-sessions')
      .fromKinesis()
      .map((record) => decodeUtf8(record.value))
      .flatMap((line) => line.split(' '))
      .mapToPair((word): readonly [string, number] => [word, 1])
      .mapWithState<number, readonly [string, number]>(
        (word, one, state) => {
          if (state.isTimingOut()) return [word, state.get()];
          state.update((state.getOption() ?? 0) + (one ?? 0));
          return undefined;
        },
        { name: 'sessions', timeoutMs: 5 * 60_000 },
      )
      .foreachBatch((ended, context) => {
        sessions.push(...ended);
        if (ended.length > 0) batchIds.push(context.batchId);
      });
    const clients = createAwsClients({ endpoint: stack.endpoint, region: stack.region });
    const clock = new ManualClock(1_800_000_000_000);
    const handler = createKinesisHandler(wordSessions, {
      clients,
      clock,
      environment: {
        SPARKLESS_STATE_TABLE: 'timeout-handler-test',
        SPARKLESS_CHECKPOINT_BUCKET: 'timeout-handler-test',
        SPARKLESS_STATE_NAMESPACE: 'sessions',
      },
      print: () => undefined,
      metrics: new MemoryMetricsSink(),
    });
    const state = new DynamoDbKeyedStateStore({
      client: clients.dynamodb,
      tableName: 'timeout-handler-test',
      namespace: 'sessions',
      largeStates: new S3ObjectStore({ client: clients.s3, bucket: 'timeout-handler-test' }),
    });

    // Act
    await handler(event as KinesisStreamEvent);
    const afterBatch = [...(await state.scan('sessions'))].filter(
      ([, item]) => unwrapMapWithState(item).exists,
    );
    clock.advance(4 * 60_000);
    await handler(WINDOW_TICK);
    const early = [...sessions];
    clock.advance(2 * 60_000);
    await handler(WINDOW_TICK);

    // Assess
    expect(wordSessions.plan.needsWindowTrigger).toBe(true);
    expect(afterBatch).toHaveLength(5);
    expect(early).toEqual([]);
    expect(Object.fromEntries(sessions)).toEqual({ to: 3, be: 2, or: 1, not: 1, see: 1 });
    expect(batchIds).toEqual([`sessions@timeout@${1_800_000_000_000 + 318_750}`]);
    const live = [...(await state.scan('sessions'))].filter(([, item]) => unwrapMapWithState(item).exists);
    expect(live).toEqual([]);
  });
});
