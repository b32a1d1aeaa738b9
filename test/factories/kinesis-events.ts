import type { KinesisStreamEvent } from 'aws-lambda';
import oneRecord from '../fixtures/published/powertools-kinesis-stream-one-record.json';

/** One record of a Lambda Kinesis event. */
export type KinesisEnvelope = KinesisStreamEvent['Records'][number];

const template = oneRecord.Records[0] as KinesisEnvelope;

/**
 * A Kinesis event record shaped like Powertools' published sample, carrying `text`, `n` sequence
 * numbers after the sample's, on the given stream and shard.
 *
 * @example kinesisEnvelope('to be', 3, { shardId: 'shardId-000000000001' })
 */
export function kinesisEnvelope(
  text: string,
  n: number,
  options: { readonly eventSourceArn?: string; readonly shardId?: string } = {},
): KinesisEnvelope {
  const sequenceNumber = (BigInt(template.kinesis.sequenceNumber) + BigInt(n)).toString();
  return {
    ...template,
    eventSourceARN: options.eventSourceArn ?? template.eventSourceARN,
    eventID: `${options.shardId ?? 'shardId-000000000006'}:${sequenceNumber}`,
    kinesis: { ...template.kinesis, sequenceNumber, data: Buffer.from(text).toString('base64') },
  };
}

/** A Lambda Kinesis event of `lines`, one record each, numbered from `firstN`. */
export function kinesisTextEvent(
  lines: readonly string[],
  firstN = 0,
  options: { readonly eventSourceArn?: string; readonly shardId?: string } = {},
): KinesisStreamEvent {
  return { Records: lines.map((line, i) => kinesisEnvelope(line, firstN + i, options)) };
}
