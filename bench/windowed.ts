import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { WriteAheadLog } from '../lib/checkpoint';
import {
  decodeUtf8,
  ManualClock,
  OutputMode,
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
import { lcg } from '../localstack/programs/inputs';
import { ensureStateTable } from '../localstack/setup/state-table';
import { countRequests } from './request-counter';

const START = Date.UTC(2026, 10, 21);

/** `"<epochMs> <word>"` records: `count` records spread over `seconds` seconds, vocabulary of `vocabulary` words. */
function timedRecords(count: number, seconds: number, vocabulary: number, firstN = 0): SourceRecord[] {
  const random = lcg(7);
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

/** The windowed word count in `outputMode`; `emitted` counts the elements its sink got. */
function windowedWordCount(spec: WindowSpec, outputMode: OutputMode = OutputMode.Append) {
  const emitted = { elements: 0 };
  const counts = pipeline('bench-windowed')
    .fromKinesis()
    .map((record) => decodeUtf8(record.value).split(' '))
    .withTimestamps(([time]) => Number(time))
    .mapToPair(([, word]) => [word ?? '', 1])
    .reduceByKeyAndWindow((a, b) => a + b, spec, { name: 'counts', outputMode })
    .foreachBatch((elements) => {
      emitted.elements += elements.length;
    });
  return Object.assign(counts, { emitted });
}

const SIXTY_BY_TEN = slidingWindows({ lengthMs: 60_000, slideMs: 10_000, allowedLatenessMs: 5_000 });

/** (c) Windowed word count (60 s / 10 s) in each output mode: full executor on the in-memory twins, records per second. */
async function windowedThroughput(): Promise<void> {
  const rows: Record<string, string | number>[] = [];
  for (const mode of Object.values(OutputMode)) {
    const rates: number[] = [];
    for (let round = 0; round < 5; round++) {
      const clock = new ManualClock(START);
      const runtime = createInMemoryRuntime(windowedWordCount(SIXTY_BY_TEN, mode), { clock });
      const batches = Array.from({ length: 10 }, (_, b) => timedRecords(1_000, 12, 1_000, b * 1_000));
      const started = performance.now();
      for (const batch of batches) await runtime.process('shardId-000000000000', batch);
      rates.push(10_000 / ((performance.now() - started) / 1000));
    }
    rates.sort((a, b) => a - b);
    rows.push({ 'output mode': mode, 'records/s (median of 5)': Math.round(rates[2] ?? 0) });
  }
  console.log(
    '(c) windowed word count, reduceByKeyAndWindow(60 s, 10 s), 10 batches x 1,000 records (1 word each, 1,000 words)',
  );
  console.log(
    '    full executor on the in-memory twins; append: pane writes + window firing, update: 6 window items per',
  );
  console.log('    (record, key), complete: the same plus reading the whole table every batch');
  console.table(rows);
}

/** (d) DynamoDB requests of windowed batches and firings as the window grows, on the emulator. */
async function windowedDynamoDb(dynamodb: DynamoDBClient): Promise<void> {
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
    const state = new DynamoDbKeyedStateStore({ ...table, largeStates: new MemoryObjectStore() });
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
}

/**
 * (e) DynamoDB requests of one steady-state batch per output mode, on the emulator: a first batch
 * fills 2 minutes of windows, the measured second batch covers the next 2 minutes.
 */
async function outputModesDynamoDb(dynamodb: DynamoDBClient): Promise<void> {
  await ensureStateTable(dynamodb, 'bench-modes');
  const rows: Record<string, string | number>[] = [];
  for (const mode of Object.values(OutputMode)) {
    const namespace = `bench-${mode}`;
    const table = { client: dynamodb, tableName: 'bench-modes', namespace };
    const windowed = windowedWordCount(SIXTY_BY_TEN, mode);
    const executor = new BatchExecutor({
      pipeline: windowed,
      namespace,
      state: new DynamoDbKeyedStateStore({ ...table, largeStates: new MemoryObjectStore() }),
      ledger: new DynamoDbPartitionLedgerStore(table),
      writeAheadLog: new WriteAheadLog(new MemoryObjectStore(), namespace),
      deadLetters: new MemoryDeadLetterSink(),
      clock: new ManualClock(START),
      windowProgress: new DynamoDbWindowProgressStore(table),
      print: () => undefined,
    });
    const records = timedRecords(1_000, 240, 100);
    await executor.processPartition('shardId-000000000000', records.slice(0, 500));
    windowed.emitted.elements = 0;
    const counts = countRequests(dynamodb, 'benchMode');
    const started = performance.now();
    await executor.processPartition('shardId-000000000000', records.slice(500));
    const batchMs = performance.now() - started;
    dynamodb.middlewareStack.remove('benchMode');
    rows.push({
      'output mode': mode,
      'DynamoDB writes': (counts.get('PutItemCommand') ?? 0) + (counts.get('UpdateItemCommand') ?? 0),
      BatchGetItem: counts.get('BatchGetItemCommand') ?? 0,
      Query: counts.get('QueryCommand') ?? 0,
      'elements emitted': windowed.emitted.elements,
      'batch ms (emulator)': Math.round(batchMs),
    });
  }
  console.log(
    '(e) one steady-state 500-record batch (2 min of event time, 100 words) of reduceByKeyAndWindow(60 s, 10 s) on dynalite',
  );
  console.log(
    '    append emits when windows fire (firing not counted here: see (d)); update emits the changed (window, key) rows;',
  );
  console.log('    complete emits the whole table, read with one Query per shard (4) and page');
  console.table(rows);
}

/** Windowed benchmarks: throughput, DynamoDB cost as the window grows, and per output mode. */
export async function benchWindows(dynamodb: DynamoDBClient): Promise<void> {
  await windowedThroughput();
  console.log();
  await windowedDynamoDb(dynamodb);
  console.log();
  await outputModesDynamoDb(dynamodb);
}
