import type { KinesisStreamEvent } from 'aws-lambda';
import oneRecord from '../fixtures/published/powertools-kinesis-stream-one-record.json';

/** One record of a Lambda Kinesis event. */
export type KinesisEnvelope = KinesisStreamEvent['Records'][number];

const template = oneRecord.Records[0] as KinesisEnvelope;

/** Where a factory record comes from and when it arrived. */
export interface KinesisEnvelopeOptions {
  /** @default the sample's `arn:aws:kinesis:us-east-2:123456789012:stream/lambda-stream` */
  readonly eventSourceArn?: string;
  /** @default 'shardId-000000000006' */
  readonly shardId?: string;
  /** Seconds since the epoch. @default the sample's 1545084650.987 */
  readonly approximateArrivalTimestamp?: number;
}

/**
 * A Kinesis event record shaped like Powertools' published sample, carrying `text`, `n` sequence
 * numbers after the sample's, on the given stream and shard.
 *
 * @example kinesisEnvelope('to be', 3, { shardId: 'shardId-000000000001' })
 */
export function kinesisEnvelope(
  text: string,
  n: number,
  options: KinesisEnvelopeOptions = {},
): KinesisEnvelope {
  const sequenceNumber = (BigInt(template.kinesis.sequenceNumber) + BigInt(n)).toString();
  return {
    ...template,
    eventSourceARN: options.eventSourceArn ?? template.eventSourceARN,
    eventID: `${options.shardId ?? 'shardId-000000000006'}:${sequenceNumber}`,
    kinesis: {
      ...template.kinesis,
      sequenceNumber,
      data: Buffer.from(text).toString('base64'),
      approximateArrivalTimestamp:
        options.approximateArrivalTimestamp ?? template.kinesis.approximateArrivalTimestamp,
    },
  };
}

/** A Lambda Kinesis event of `lines`, one record each, numbered from `firstN` by `step` (default 1). */
export function kinesisTextEvent(
  lines: readonly string[],
  firstN = 0,
  options: KinesisEnvelopeOptions & { readonly step?: number } = {},
): KinesisStreamEvent {
  return {
    Records: lines.map((line, i) => kinesisEnvelope(line, firstN + i * (options.step ?? 1), options)),
  };
}
