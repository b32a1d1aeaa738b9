import {
  CreateStreamCommand,
  DescribeStreamSummaryCommand,
  GetRecordsCommand,
  GetShardIteratorCommand,
  type KinesisClient,
  ListShardsCommand,
  PutRecordsCommand,
  ResourceInUseException,
} from '@aws-sdk/client-kinesis';

/** Creates a stream if it does not exist and waits until it is ACTIVE; returns its ARN. */
export async function ensureStream(
  client: KinesisClient,
  streamName: string,
  shardCount: number,
): Promise<string> {
  try {
    await client.send(new CreateStreamCommand({ StreamName: streamName, ShardCount: shardCount }));
  } catch (error) {
    if (!(error instanceof ResourceInUseException)) throw error;
  }
  for (let i = 0; i < 200; i++) {
    const { StreamDescriptionSummary: summary } = await client.send(
      new DescribeStreamSummaryCommand({ StreamName: streamName }),
    );
    if (summary?.StreamStatus === 'ACTIVE' && summary.StreamARN !== undefined) return summary.StreamARN;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`stream ${streamName} did not become ACTIVE`);
}

/** One record to produce. */
export interface ProducedRecord {
  readonly partitionKey: string;
  readonly data: Uint8Array;
}

const PUT_RECORDS_LIMIT = 500;

/**
 * Puts records in order with PutRecords (500 per call), retrying the entries a call
 * reports as failed; throws if some still fail after the retries.
 */
export async function putRecords(
  client: KinesisClient,
  streamName: string,
  records: readonly ProducedRecord[],
) {
  for (let start = 0; start < records.length; start += PUT_RECORDS_LIMIT) {
    let pending = records.slice(start, start + PUT_RECORDS_LIMIT);
    for (let attempt = 0; pending.length > 0; attempt++) {
      if (attempt === 8) throw new Error(`PutRecords kept failing for ${pending.length} records`);
      if (attempt > 0) await new Promise((resolve) => setTimeout(resolve, 50 * 2 ** attempt));
      const response = await client.send(
        new PutRecordsCommand({
          StreamName: streamName,
          Records: pending.map((record) => ({ PartitionKey: record.partitionKey, Data: record.data })),
        }),
      );
      const entries = response.Records ?? [];
      pending = pending.filter((_, i) => entries[i]?.ErrorCode !== undefined);
    }
  }
}

/** One record as the stream holds it. */
export interface StoredRecord {
  readonly shardId: string;
  readonly sequenceNumber: string;
  readonly partitionKey: string;
  readonly data: Uint8Array;
}

/**
 * Reads every record the stream holds, shard by shard from TRIM_HORIZON to the latest record
 * (an independent reader for verification: it shares no code with the event source mapping).
 */
export async function readStreamRecords(client: KinesisClient, streamName: string): Promise<StoredRecord[]> {
  const shardIds: string[] = [];
  let nextToken: string | undefined;
  do {
    const page = await client.send(
      new ListShardsCommand(nextToken === undefined ? { StreamName: streamName } : { NextToken: nextToken }),
    );
    for (const shard of page.Shards ?? []) if (shard.ShardId !== undefined) shardIds.push(shard.ShardId);
    nextToken = page.NextToken;
  } while (nextToken !== undefined);
  const records: StoredRecord[] = [];
  for (const shardId of shardIds) {
    let iterator = (
      await client.send(
        new GetShardIteratorCommand({
          StreamName: streamName,
          ShardId: shardId,
          ShardIteratorType: 'TRIM_HORIZON',
        }),
      )
    ).ShardIterator;
    while (iterator !== undefined) {
      const page = await client.send(new GetRecordsCommand({ ShardIterator: iterator, Limit: 10_000 }));
      for (const record of page.Records ?? []) {
        records.push({
          shardId,
          sequenceNumber: record.SequenceNumber ?? '',
          partitionKey: record.PartitionKey ?? '',
          data: record.Data ?? new Uint8Array(),
        });
      }
      const caughtUp = (page.Records ?? []).length === 0 && (page.MillisBehindLatest ?? 0) === 0;
      iterator = caughtUp ? undefined : page.NextShardIterator;
    }
  }
  return records;
}
