import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { statefulWordCount } from '../functions/pipelines/stateful-word-count';
import { DynamoDbProgressStore, progressSources, recentProgress, status } from '../lib/progress';
import { parseKinesisEvent } from '../lib/sources';
import { MemoryObjectStore } from '../lib/storage';
import { ensureStateTable } from '../localstack/setup/state-table';
import { wordCountEvent } from './kinesis-event-factory';
import { countRequests } from './request-counter';
import { dynamoDbWordCountExecutor } from './word-count-executor';

const BATCHES = 20;
const PARTITIONS = 4;

/** (g) What progress records add per batch, and what `status` and `recentProgress` cost to read, on the embedded stack. */
export async function benchProgressRecords(dynamodb: DynamoDBClient): Promise<void> {
  await ensureStateTable(dynamodb, 'bench-progress');
  const rows: Record<string, string | number>[] = [];
  const event = wordCountEvent({ records: 100, wordsPerLine: 10, vocabulary: 100 });
  const records = parseKinesisEvent(event).shards[0]?.records ?? [];
  for (const withProgress of [false, true]) {
    const namespace = `bench-progress-${withProgress}`;
    const table = { client: dynamodb, tableName: 'bench-progress', namespace };
    const objects = new MemoryObjectStore();
    const progress = new DynamoDbProgressStore(table);
    const executor = dynamoDbWordCountExecutor(table, objects, withProgress ? { progress } : {});
    const counts = countRequests(dynamodb, 'benchProgressCounter');
    for (let batch = 0; batch < BATCHES; batch++) {
      // Each batch on its own partition round-robin: a partition's ledger advances like a shard's.
      const partition = `bench.${batch % PARTITIONS}`;
      await executor.processPartition(
        partition,
        records.map((record) => ({
          ...record,
          partition,
          offset: (BigInt(batch) * 1_000_000n + BigInt(record.offset)).toString(),
        })),
      );
    }
    dynamodb.middlewareStack.remove('benchProgressCounter');
    const requests = [...counts.values()].reduce((a, b) => a + b, 0);
    const row: Record<string, string | number> = {
      progress: withProgress ? 'on' : 'off',
      'DynamoDB requests per batch': (requests / BATCHES).toFixed(2),
      'PutItem per batch': ((counts.get('PutItemCommand') ?? 0) / BATCHES).toFixed(2),
    };
    if (withProgress) {
      const [latest] = await progress.recent('bench.0', 1);
      row['record bytes (JSON)'] = Buffer.byteLength(JSON.stringify(latest));
      const sources = progressSources(statefulWordCount.name, {
        dynamodb,
        stateTable: 'bench-progress',
        namespace,
      });
      const reads = countRequests(dynamodb, 'benchProgressReads');
      await status(sources);
      const statusRequests = [...reads.values()].reduce((a, b) => a + b, 0);
      reads.clear();
      await recentProgress(sources, 10);
      const recentRequests = [...reads.values()].reduce((a, b) => a + b, 0);
      dynamodb.middlewareStack.remove('benchProgressReads');
      row['status requests'] = statusRequests;
      row[`recentProgress(10) requests (${PARTITIONS} partitions)`] = recentRequests;
    }
    rows.push(row);
  }
  console.log(
    `(g) progress records: ${BATCHES} batches of 100 records (stateful word count) over ${PARTITIONS} partitions`,
  );
  console.table(rows);
}
