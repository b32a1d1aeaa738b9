import {
  GetRecordsCommand,
  GetShardIteratorCommand,
  InvalidArgumentException,
  type KinesisClient,
} from '@aws-sdk/client-kinesis';
import type { SourceRecord } from '../core';
import type { DiscardedKinesisRange } from './failure-records';

/** Reads a discarded range back from its stream. */
export interface StreamRangeReader {
  /**
   * The records of `range` still in the stream, in order, with `partition` set to `partition`.
   * Records already trimmed by the stream's retention are absent.
   */
  read(range: DiscardedKinesisRange, partition: string): Promise<SourceRecord[]>;
}

/** Options of {@link KinesisStreamRangeReader}. */
export interface KinesisStreamRangeReaderOptions {
  readonly client: KinesisClient;
  /**
   * Records per GetRecords call.
   *
   * @default 1000
   */
  readonly limit?: number;
  /**
   * GetRecords calls in a row that may return nothing while the shard has more (Kinesis may return
   * empty pages) before the reader stops.
   *
   * @default 20
   */
  readonly maxEmptyPages?: number;
}

/**
 * {@link StreamRangeReader} on Kinesis: `GetShardIterator` `AT_SEQUENCE_NUMBER` the range's start
 * (from the trim horizon when the start has expired), then `GetRecords` until past the range's end,
 * the end of a closed shard, or the tip of an open one.
 */
export class KinesisStreamRangeReader implements StreamRangeReader {
  public constructor(private readonly options: KinesisStreamRangeReaderOptions) {}

  public async read(range: DiscardedKinesisRange, partition: string): Promise<SourceRecord[]> {
    const { client } = this.options;
    const streamName = streamNameOf(range.streamArn);
    const start = BigInt(range.startSequenceNumber);
    const end = BigInt(range.endSequenceNumber);
    let iterator = await this.iterator(streamName, range);
    const out: SourceRecord[] = [];
    let empty = 0;
    while (iterator !== undefined) {
      const page = await client.send(
        new GetRecordsCommand({ ShardIterator: iterator, Limit: this.options.limit ?? 1000 }),
      );
      const records = page.Records ?? [];
      for (const record of records) {
        const sequence = BigInt(record.SequenceNumber ?? '0');
        if (sequence > end) return out;
        if (sequence < start) continue;
        out.push({
          partition,
          offset: record.SequenceNumber ?? '',
          key: record.PartitionKey,
          value: record.Data ?? new Uint8Array(),
          arrivalTime: record.ApproximateArrivalTimestamp?.getTime() ?? 0,
        });
      }
      if (records.length === 0) {
        empty++;
        if (page.MillisBehindLatest === 0 || empty >= (this.options.maxEmptyPages ?? 20)) return out;
      } else {
        empty = 0;
      }
      iterator = page.NextShardIterator;
    }
    return out;
  }

  private async iterator(streamName: string, range: DiscardedKinesisRange): Promise<string | undefined> {
    const common = { StreamName: streamName, ShardId: range.shardId };
    try {
      const response = await this.options.client.send(
        new GetShardIteratorCommand({
          ...common,
          ShardIteratorType: 'AT_SEQUENCE_NUMBER',
          StartingSequenceNumber: range.startSequenceNumber,
        }),
      );
      return response.ShardIterator;
    } catch (error) {
      // The start is past the retention: read what is left from the trim horizon.
      if (!(error instanceof InvalidArgumentException)) throw error;
      const response = await this.options.client.send(
        new GetShardIteratorCommand({ ...common, ShardIteratorType: 'TRIM_HORIZON' }),
      );
      return response.ShardIterator;
    }
  }
}

/** The stream name of a stream ARN (`arn:aws:kinesis:<region>:<account>:stream/<name>`). */
export function streamNameOf(streamArn: string): string {
  const index = streamArn.lastIndexOf(':stream/');
  return index < 0 ? streamArn : streamArn.slice(index + ':stream/'.length);
}
