import type { KinesisStreamEvent } from 'aws-lambda';

const SEQUENCE_BASE = 49590338271490256608559692538361571095921575989136588898n;

/**
 * A Lambda Kinesis event of `records` lines of `wordsPerLine` words drawn from a vocabulary
 * of `vocabulary` words with a Zipf-like skew (word i has weight 1/(i+1)), deterministic.
 */
export function wordCountEvent(options: {
  records: number;
  wordsPerLine: number;
  vocabulary: number;
  shardId?: string;
}): KinesisStreamEvent {
  const shardId = options.shardId ?? 'shardId-000000000000';
  const weights = Array.from({ length: options.vocabulary }, (_, i) => 1 / (i + 1));
  const total = weights.reduce((a, b) => a + b, 0);
  const cumulative: number[] = [];
  let running = 0;
  for (const weight of weights) {
    running += weight / total;
    cumulative.push(running);
  }
  let seed = 42;
  const random = () => {
    seed = (seed * 1103515245 + 12345) % 2147483648;
    return seed / 2147483648;
  };
  const pickWord = () => {
    const r = random();
    let lo = 0;
    let hi = cumulative.length - 1;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if ((cumulative[mid] ?? 1) < r) lo = mid + 1;
      else hi = mid;
    }
    return `word${lo}`;
  };
  return {
    Records: Array.from({ length: options.records }, (_, n) => {
      const sequenceNumber = (SEQUENCE_BASE + BigInt(n)).toString();
      const line = Array.from({ length: options.wordsPerLine }, pickWord).join(' ');
      return {
        kinesis: {
          kinesisSchemaVersion: '1.0',
          partitionKey: `k${n}`,
          sequenceNumber,
          data: Buffer.from(line).toString('base64'),
          approximateArrivalTimestamp: 1_700_000_000 + n / 1000,
        },
        eventSource: 'aws:kinesis',
        eventVersion: '1.0',
        eventID: `${shardId}:${sequenceNumber}`,
        eventName: 'aws:kinesis:record',
        invokeIdentityArn: 'arn:aws:iam::123456789012:role/bench',
        awsRegion: 'us-east-1',
        eventSourceARN: 'arn:aws:kinesis:us-east-1:123456789012:stream/bench',
      };
    }),
  };
}
