import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { S3Client } from '@aws-sdk/client-s3';
import { WriteAheadLog } from '../lib/checkpoint';
import { decodeUtf8, type Pipeline, pipeline, type SourceRecord } from '../lib/core';
import { DynamoDbPartitionLedgerStore } from '../lib/ledger';
import { BatchExecutor } from '../lib/runtime';
import { MemoryMetricsSink } from '../lib/metrics';
import { MemoryDeadLetterSink } from '../lib/sinks';
import { DynamoDbKeyedStateStore } from '../lib/state';
import { MemoryObjectStore, S3ObjectStore } from '../lib/storage';
import { ensureBucket, ensureStateTable } from '../localstack/setup/state-table';
import { paddingPipeline } from '../test/factories/pipelines';
import { countRequests } from './request-counter';

const SHARD = 'shardId-000000000000';
const KEYS = 100;
const RECORDS = 1_000;

/** Per key (the line's first word), the count of lines: `updateStateByKey` with a small state. */
const counts = pipeline('bench-counts')
  .fromKinesis()
  .map((record) => decodeUtf8(record.value))
  .mapToPair((line): readonly [string, number] => [line.split(' ')[0] ?? '', 1])
  .updateStateByKey<number>((ones, state = 0) => state + ones.length, { name: 'counts' })
  .print(1);

const padding = paddingPipeline('bench-padding');

function records(lines: readonly string[], firstN: number): SourceRecord[] {
  return lines.map((line, i) => ({
    partition: SHARD,
    offset: String(10n ** 20n + BigInt(firstN + i)),
    key: `k${i}`,
    value: new TextEncoder().encode(line),
    arrivalTime: 0,
  }));
}

interface Scenario {
  readonly name: string;
  readonly pipeline: Pipeline;
  /** The batches: each scenario measures its last one (earlier ones create the state). */
  readonly batches: readonly (readonly string[])[];
}

/**
 * (f) What long keys and states above DynamoDB's 400 KB item limit cost per batch: requests to
 * DynamoDB and to S3 (where large states are kept) for the last of a scenario's batches, on the
 * embedded stack's emulators. The write-ahead log goes to memory here, so the S3 column counts
 * large-state objects only.
 */
export async function benchLongKeysAndLargeStates(dynamodb: DynamoDBClient, s3: S3Client): Promise<void> {
  await ensureStateTable(dynamodb, 'bench-large');
  await ensureBucket(s3, 'bench-large');
  const keyed = (key: (k: number) => string) =>
    Array.from({ length: RECORDS }, (_, i) => `${key(i % KEYS)} x`);
  const scenarios: Scenario[] = [
    {
      name: '100 keys of 5 characters',
      pipeline: counts,
      batches: [keyed((k) => `k${1000 + k}`), keyed((k) => `k${1000 + k}`)],
    },
    {
      name: '100 keys of 3,000 characters',
      pipeline: counts,
      batches: [keyed((k) => `k${k}`.padEnd(3_000, '.')), keyed((k) => `k${k}`.padEnd(3_000, '.'))],
    },
    {
      name: '10 keys with 300 KiB states (inline)',
      pipeline: padding,
      batches: [
        Array.from({ length: 10 }, (_, k) => `k${k} 299`),
        Array.from({ length: 10 }, (_, k) => `k${k} 1`),
      ],
    },
    {
      name: '10 keys with 1 MiB states (in S3)',
      pipeline: padding,
      batches: [
        Array.from({ length: 10 }, (_, k) => `k${k} 1023`),
        Array.from({ length: 10 }, (_, k) => `k${k} 1`),
      ],
    },
  ];
  const rows: Record<string, string | number>[] = [];
  for (const [index, scenario] of scenarios.entries()) {
    const namespace = `bench-large-${index}`;
    const table = { client: dynamodb, tableName: 'bench-large', namespace };
    const executor = new BatchExecutor({
      pipeline: scenario.pipeline,
      namespace,
      state: new DynamoDbKeyedStateStore({
        ...table,
        largeStates: new S3ObjectStore({ client: s3, bucket: 'bench-large' }),
      }),
      ledger: new DynamoDbPartitionLedgerStore(table),
      writeAheadLog: new WriteAheadLog(new MemoryObjectStore(), namespace),
      deadLetters: new MemoryDeadLetterSink(),
      metrics: new MemoryMetricsSink(),
      print: () => undefined,
    });
    let firstN = 0;
    for (const [batch, lines] of scenario.batches.entries()) {
      const last = batch === scenario.batches.length - 1;
      const db = last ? countRequests(dynamodb, 'benchLargeDynamoDb') : undefined;
      const objects = last ? countRequests(s3, 'benchLargeS3') : undefined;
      const started = performance.now();
      await executor.processPartition(SHARD, records(lines, firstN));
      const elapsedMs = performance.now() - started;
      firstN += lines.length;
      if (db === undefined || objects === undefined) continue;
      dynamodb.middlewareStack.remove('benchLargeDynamoDb');
      s3.middlewareStack.remove('benchLargeS3');
      rows.push({
        scenario: scenario.name,
        records: lines.length,
        'DynamoDB writes': (db.get('PutItemCommand') ?? 0) + (db.get('UpdateItemCommand') ?? 0),
        'DynamoDB reads': (db.get('BatchGetItemCommand') ?? 0) + (db.get('GetItemCommand') ?? 0),
        'S3 GET / PUT / DELETE': `${objects.get('GetObjectCommand') ?? 0} / ${objects.get('PutObjectCommand') ?? 0} / ${objects.get('DeleteObjectCommand') ?? 0}`,
        'batch ms (emulator)': Math.round(elapsedMs),
      });
    }
  }
  console.log(
    '(f) Long keys and large states: requests for one steady-state batch (the state existed before)',
  );
  console.log(
    '    engine: dynalite and s3rver behind the embedded stack endpoint; write-ahead log in memory',
  );
  console.table(rows);
}
