import type { KinesisStreamBatchResponse, KinesisStreamEvent } from 'aws-lambda';
import { KinesisEventSourceMapping } from '../event-source-mapping';
import type { KinesisBatchHandler, KinesisEventSourceMappingProps } from '../types';
import { InMemoryKinesis } from './in-memory-kinesis';
import { ManualClock } from './manual-clock';

/** Stream and ARNs the unit tests share. */
export const TestStream = {
  name: 'events',
  region: 'eu-west-1',
  accountId: '123456789012',
  arn: 'arn:aws:kinesis:eu-west-1:123456789012:stream/events',
  functionName: 'word-count',
  functionArn: 'arn:aws:lambda:eu-west-1:123456789012:function:word-count',
} as const;

/** A record put by {@link kinesisRecordFactory}. */
export interface PutRecord {
  readonly payload: string;
  readonly shardId: string;
  readonly sequenceNumber: string;
}

/**
 * Puts `count` records `<prefix>-<n>` (n from 1) into the stream, into `shardId` if given.
 *
 * @example
 * kinesisRecordFactory(kinesis, 3, { prefix: 'a' }) // payloads a-1, a-2, a-3
 */
export function kinesisRecordFactory(
  kinesis: InMemoryKinesis,
  count: number,
  options: { readonly prefix?: string; readonly shardId?: string; readonly partitionKey?: string } = {},
): PutRecord[] {
  const prefix = options.prefix ?? 'r';
  return Array.from({ length: count }, (_, index) => {
    const payload = `${prefix}-${index + 1}`;
    const put = kinesis.putRecord(TestStream.name, {
      data: payload,
      partitionKey: options.partitionKey ?? payload,
      ...(options.shardId === undefined ? {} : { shardId: options.shardId }),
    });
    return { payload, ...put };
  });
}

/** The decoded `data` of every record of an event. */
export function payloadsOf(event: KinesisStreamEvent): string[] {
  return event.Records.map((record) => Buffer.from(record.kinesis.data, 'base64').toString('utf8'));
}

/** What a recording handler does with one batch (its 1-based call number is passed along). */
export type HandlerBehaviour = (
  payloads: string[],
  event: KinesisStreamEvent,
  call: number,
) => Promise<KinesisStreamBatchResponse | void> | KinesisStreamBatchResponse | void;

/** A handler that records the payloads of every invocation, then applies `behaviour`. */
export function recordingHandler(behaviour?: HandlerBehaviour): {
  readonly handler: KinesisBatchHandler;
  readonly batches: string[][];
} {
  const batches: string[][] = [];
  const handler: KinesisBatchHandler = async (event) => {
    const payloads = payloadsOf(event);
    batches.push(payloads);
    return behaviour?.(payloads, event, batches.length);
  };
  return { handler, batches };
}

/**
 * A mapping over {@link TestStream} with a manual clock, no poll interval and no retry backoff, unless overridden
 * (tests of the backoff set `retryBackoffInitialMs` and advance the clock).
 */
export function createTestMapping(
  kinesis: InMemoryKinesis,
  props: Partial<KinesisEventSourceMappingProps> & Pick<KinesisEventSourceMappingProps, 'handler'>,
): { readonly esm: KinesisEventSourceMapping; readonly clock: ManualClock } {
  const clock = props.clock instanceof ManualClock ? props.clock : new ManualClock();
  const esm = new KinesisEventSourceMapping({
    kinesis,
    streamName: TestStream.name,
    streamArn: TestStream.arn,
    functionName: TestStream.functionName,
    pollIntervalMs: 0,
    shardDiscoveryIntervalMs: 0,
    retryBackoffInitialMs: 0,
    clock,
    ...props,
  });
  return { esm, clock };
}

/** A fresh in-memory stream {@link TestStream} with `shardCount` shards, on a manual clock shared with the fake. */
export function createTestStream(shardCount = 1): {
  readonly clock: ManualClock;
  readonly kinesis: InMemoryKinesis;
  readonly shardIds: string[];
} {
  const clock = new ManualClock();
  const kinesis = new InMemoryKinesis({ clock });
  const shardIds = kinesis.createStream(TestStream.name, shardCount);
  return { clock, kinesis, shardIds };
}
