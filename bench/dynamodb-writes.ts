import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { MemoryMetricsSink } from '../lib/metrics';
import { parseKinesisEvent } from '../lib/sources';
import { MemoryObjectStore } from '../lib/storage';
import { ensureStateTable } from '../localstack/setup/state-table';
import { wordCountEvent } from './kinesis-event-factory';
import { countRequests } from './request-counter';
import { dynamoDbWordCountExecutor } from './word-count-executor';

/** (b) DynamoDB requests per batch against distinct keys touched, on the embedded stack's DynamoDB emulator. */
export async function benchDynamoDbWrites(dynamodb: DynamoDBClient): Promise<void> {
  await ensureStateTable(dynamodb, 'bench-state');
  const rows: Record<string, string | number>[] = [];
  for (const vocabulary of [10, 100, 1_000, 5_000]) {
    const counts = countRequests(dynamodb, 'benchRequestCounter');
    const namespace = `bench-${vocabulary}`;
    const table = { client: dynamodb, tableName: 'bench-state', namespace };
    const metrics = new MemoryMetricsSink();
    const objects = new MemoryObjectStore();
    const executor = dynamoDbWordCountExecutor(table, objects, { metrics });
    const event = wordCountEvent({ records: 1_000, wordsPerLine: 10, vocabulary });
    const records = parseKinesisEvent(event).shards[0]?.records ?? [];
    const started = performance.now();
    await executor.processPartition('shardId-000000000000', records);
    const elapsedMs = performance.now() - started;
    dynamodb.middlewareStack.remove('benchRequestCounter');
    const distinctKeys = new Set(records.flatMap((r) => new TextDecoder().decode(r.value).split(' '))).size;
    const writes = (counts.get('PutItemCommand') ?? 0) + (counts.get('UpdateItemCommand') ?? 0);
    rows.push({
      'distinct keys': distinctKeys,
      'state writes': metrics.batches[0]?.stateWrites ?? 0,
      'DynamoDB write requests': writes,
      'writes per key': (writes / distinctKeys).toFixed(3),
      'BatchGetItem requests': counts.get('BatchGetItemCommand') ?? 0,
      'GetItem requests': counts.get('GetItemCommand') ?? 0,
      'S3 puts (write-ahead log)': objects.objects.size,
      'batch ms (emulator)': Math.round(elapsedMs),
    });
  }
  console.log('(b) DynamoDB requests for one 1,000-record batch (10,000 words) vs distinct keys touched');
  console.log(
    '    engine: dynalite behind the embedded stack endpoint; request counts are engine-independent',
  );
  console.table(rows);
}
