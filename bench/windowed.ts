import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { WriteAheadLog } from '../lib/checkpoint';
import {
  decodeUtf8,
  ManualClock,
  pipeline,
  type SourceRecord,
  slidingWindows,
  type WindowSpec,
} from '../lib/core';
import { DynamoDbPartitionLedgerStore } from '../lib/ledger';
import { MemoryMetricsSink } from '../lib/metrics';
import { BatchExecutor, createInMemoryRuntime } from '../lib/runtime';
import { MemoryDeadLetterSink } from '../lib/sinks';
import { DynamoDbKeyedStateStore } from '../lib/state';
import { MemoryObjectStore } from '../lib/storage';
import { DynamoDbWindowProgressStore, WindowFirer } from '../lib/windows';
import { createAwsClients } from '../localstack/clients';
import { startEmbeddedStack } from '../localstack/embedded';
import { ensureStateTable } from '../localstack/setup/state-table';

const START = Date.UTC(2026, 10, 21);

/** `"<epochMs> <word>"` records: `count` records spread over `seconds` seconds, vocabulary of `vocabulary` words. */
function timedRecords(count: number, seconds: number, vocabulary: number, firstN = 0): SourceRecord[] {
  let seed = 7;
  const random = () => {
    seed = (Math.imul(seed, 1664525) + 1013904223) >>> 0;
    return seed / 4294967296;
  };
  return Array.from({ length: count }, (_, i) => {
    const time = START + Math.floor(((firstN + i) / count) * seconds * 1000);
    return {
      partition: 'shardId-000000000000',
      offset: String(1_000_000 + firstN + i),
      key: undefined,
      value: new TextEncoder().encode(`${time} word${Math.floor(random() ** 2 * vocabulary)}`),
      arrivalTime: time,
    };
  });
}

function windowedWordCount(spec: WindowSpec) {
  return pipeline('bench-windowed')
    .fromKinesis()
    .map((record) => decodeUtf8(record.value).split(' '))
    .withTimestamps(([time]) => Number(time))
    .mapToPair(([, word]) => [word ?? '', 1])
    .reduceByKeyAndWindow((a, b) => a + b, spec, { name: 'counts' })
    .foreachBatch(() => undefined);
}

/** (c) Windowed word count (60 s / 10 s): full executor on the in-memory twins, records per second. */
async function windowedThroughput(): Promise<void> {
  const spec = slidingWindows({ lengthMs: 60_000, slideMs: 10_000, allowedLatenessMs: 5_000 });
  const rates: number[] = [];
  for (let round = 0; round < 5; round++) {
    const clock = new ManualClock(START);
    const runtime = createInMemoryRuntime(windowedWordCount(spec), { clock });
    const batches = Array.from({ length: 10 }, (_, b) => timedRecords(1_000, 12, 1_000, b * 1_000));
    const started = performance.now();
    for (const batch of batches) await runtime.process('shardId-000000000000', batch);
    rates.push(10_000 / ((performance.now() - started) / 1000));
  }
  rates.sort((a, b) => a - b);
  console.log(
    '(c) windowed word count, reduceByKeyAndWindow(60 s, 10 s), 10 batches x 1,000 records (1 word each)',
  );
  console.log(
    `    full executor with pane writes and window firing on the in-memory twins: ${Math.round(rates[2] ?? 0)} records/s (median of 5)`,
  );
}

/** Counts DynamoDB requests by operation. */
function countRequests(client: DynamoDBClient, name: string): Map<string, number> {
  const counts = new Map<string, number>();
  client.middlewareStack.add(
    (next, context) => async (args) => {
      counts.set(context.commandName ?? 'unknown', (counts.get(context.commandName ?? 'unknown') ?? 0) + 1);
      return next(args);
    },
    { step: 'initialize', name },
  );
  return counts;
}

/** (d) DynamoDB requests of windowed batches and firings as the window grows, on the emulator. */
async function windowedDynamoDb(): Promise<void> {
  const stack = await startEmbeddedStack({ port: 0, persist: false });
  try {
    const { dynamodb } = createAwsClients({ endpoint: stack.endpoint, region: stack.region });
    await ensureStateTable(dynamodb, 'bench-windows');
    const rows: Record<string, string | number>[] = [];
    for (const [lengthS, slideS] of [
      [60, 10],
      [300, 10],
      [600, 60],
    ] as const) {
      const spec = slidingWindows({
        lengthMs: lengthS * 1000,
        slideMs: slideS * 1000,
        allowedLatenessMs: 5_000,
      });
      const namespace = `bench-${lengthS}-${slideS}`;
      const table = { client: dynamodb, tableName: 'bench-windows', namespace };
      const clock = new ManualClock(START);
      const windowed = windowedWordCount(spec);
      const state = new DynamoDbKeyedStateStore(table);
      const ledger = new DynamoDbPartitionLedgerStore(table);
      const progress = new DynamoDbWindowProgressStore(table);
      const metrics = new MemoryMetricsSink();
      const executor = new BatchExecutor({
        pipeline: windowed,
        namespace,
        state,
        ledger,
        writeAheadLog: new WriteAheadLog(new MemoryObjectStore(), namespace),
        deadLetters: new MemoryDeadLetterSink(),
        metrics,
        clock,
        windowProgress: progress,
        print: () => undefined,
      });
      const firer = new WindowFirer({
        pipeline: windowed,
        namespace,
        ledger,
        progress,
        state,
        deadLetters: new MemoryDeadLetterSink(),
        clock,
        print: () => undefined,
      });
      const batchCounts = countRequests(dynamodb, 'benchBatch');
      await executor.processPartition('shardId-000000000000', timedRecords(500, 2 * lengthS, 100));
      dynamodb.middlewareStack.remove('benchBatch');
      const fireCounts = countRequests(dynamodb, 'benchFire');
      clock.advance(24 * 3600_000);
      const started = performance.now();
      const fired = await firer.fire();
      const fireMs = performance.now() - started;
      dynamodb.middlewareStack.remove('benchFire');
      const writes = (batchCounts.get('PutItemCommand') ?? 0) + (batchCounts.get('UpdateItemCommand') ?? 0);
      rows.push({
        'window / slide': `${lengthS} s / ${slideS} s`,
        'panes per window': spec.lengthMs / spec.paneMs,
        'batch: pane writes': metrics.batches[0]?.stateWrites ?? 0,
        'batch: DynamoDB writes': writes,
        'windows fired': fired.length,
        'firing: Query requests': fireCounts.get('QueryCommand') ?? 0,
        'Query per window': ((fireCounts.get('QueryCommand') ?? 0) / Math.max(1, fired.length)).toFixed(1),
        'firing ms (emulator)': Math.round(fireMs),
      });
    }
    console.log(
      '(d) windowed word count on dynalite: one 500-record batch over 2 window lengths, then firing every window',
    );
    console.log(
      '    pane writes = distinct (pane, key) pairs; each firing queries panes x shards (4) partition keys',
    );
    console.table(rows);
  } finally {
    await stack.stop();
  }
}

/** Windowed benchmarks: throughput and DynamoDB cost as the window grows. */
export async function benchWindows(): Promise<void> {
  await windowedThroughput();
  console.log();
  await windowedDynamoDb();
}
