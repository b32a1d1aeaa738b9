import type { KinesisClient } from '@aws-sdk/client-kinesis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAwsClients } from '../../localstack/clients';
import { type EmbeddedStack, startEmbeddedStack } from '../../localstack/embedded';
import { ensureStream, readStreamRecords } from '../../localstack/setup/stream';
import { textRecords } from '../../test/factories/records';
import { decodeUtf8, ManualClock, pipeline } from '../core';
import { createInMemoryRuntime } from '../runtime';
import { forwardProgressToKinesis } from './forwarders';

const PARTITION = 'shardId-000000000000';

describe('Integration: forwardProgressToKinesis on the embedded stack', () => {
  let stack: EmbeddedStack | undefined;
  let kinesis: KinesisClient | undefined;

  beforeAll(async () => {
    stack = await startEmbeddedStack({ port: 0, persist: false });
    kinesis = createAwsClients({ endpoint: stack.endpoint, region: stack.region }).kinesis;
  });

  afterAll(async () => {
    kinesis?.destroy();
    await stack?.stop();
  });

  it('puts one record per committed batch and per failed attempt on the stream, read back with GetRecords', async () => {
    // Prepare: a word count whose output fails once, forwarding to a real stream over HTTP
    if (kinesis === undefined) throw new Error('the embedded stack is not started');
    await ensureStream(kinesis, 'streaming-metrics', 1);
    let failures = 1;
    const counting = pipeline('forwarded-count')
      .addListener(forwardProgressToKinesis('streaming-metrics', kinesis))
      .fromKinesis()
      .map((record) => decodeUtf8(record.value))
      .mapToPair((word) => [word, 1] as const)
      .updateStateByKey<number>((values, state) => (state ?? 0) + values.length, { name: 'counts' })
      .foreachBatch(() => {
        if (failures-- > 0) throw new Error('sink unavailable');
      });
    const runtime = createInMemoryRuntime(counting, { clock: new ManualClock(1_700_000_000_000) });
    const first = textRecords(['a', 'b', 'a']);

    // Act: a failed attempt, its replay, and a second batch
    await expect(runtime.process(PARTITION, first)).rejects.toThrow('sink unavailable');
    await runtime.process(PARTITION, first);
    await runtime.process(PARTITION, textRecords(['c'], { firstN: 3 }));

    // Assess
    const forwarded = (await readStreamRecords(kinesis, 'streaming-metrics')).map((record) => ({
      partitionKey: record.partitionKey,
      ...JSON.parse(new TextDecoder().decode(record.data)),
    }));
    const kept = (await runtime.progressRecords.recent(PARTITION, 10)).reverse();
    expect(forwarded).toEqual([
      {
        partitionKey: `forwarded-count@forwarded-count/${PARTITION}`,
        type: 'failure',
        dedupeKey: expect.stringMatching(`^forwarded-count@forwarded-count/${PARTITION}/failure/`),
        event: expect.objectContaining({ message: 'Error: sink unavailable' }),
      },
      {
        partitionKey: `forwarded-count@forwarded-count/${PARTITION}`,
        type: 'progress',
        dedupeKey: `forwarded-count@forwarded-count/${PARTITION}/0`,
        event: kept[0],
      },
      {
        partitionKey: `forwarded-count@forwarded-count/${PARTITION}`,
        type: 'progress',
        dedupeKey: `forwarded-count@forwarded-count/${PARTITION}/1`,
        event: kept[1],
      },
    ]);
    expect(forwarded.map((record) => record.event.numInputRows ?? 0)).toEqual([0, 3, 1]);
    expect(forwarded[1].event.replayed).toBe(true);
  });
});
