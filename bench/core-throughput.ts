import { splitWords, statefulWordCount } from '../functions/pipelines/stateful-word-count';
import { wordCount } from '../functions/pipelines/word-count';
import { WriteAheadLog } from '../lib/checkpoint';
import { decodeUtf8, encodeOffsetKey, evaluateBatch, MapStateBackend, type SourceRecord } from '../lib/core';
import { MemoryPartitionLedgerStore } from '../lib/ledger';
import { BatchExecutor } from '../lib/runtime';
import { MemoryDeadLetterSink } from '../lib/sinks';
import { parseKinesisEvent } from '../lib/sources';
import { MemoryKeyedStateStore } from '../lib/state';
import { MemoryObjectStore } from '../lib/storage';
import { wordCountEvent } from './kinesis-event-factory';

const ROUNDS = 7;

/** Median words per second of `run` over several rounds (after one warm-up). */
async function wordsPerSecond(words: number, run: (round: number) => Promise<void> | void): Promise<number> {
  await run(-1);
  const rates: number[] = [];
  for (let round = 0; round < ROUNDS; round++) {
    const started = process.hrtime.bigint();
    await run(round);
    const seconds = Number(process.hrtime.bigint() - started) / 1e9;
    rates.push(words / seconds);
  }
  rates.sort((a, b) => a - b);
  return rates[Math.floor(rates.length / 2)] ?? 0;
}

/** (a) Core throughput on a 10k-record Kinesis event, next to the decode floor. */
export async function benchCoreThroughput(): Promise<void> {
  const event = wordCountEvent({ records: 10_000, wordsPerLine: 10, vocabulary: 1_000 });
  const words = 100_000;
  const records = (): SourceRecord[] => parseKinesisEvent(event).shards[0]?.records ?? [];

  const floor = await wordsPerSecond(words, () => {
    let count = 0;
    for (const record of records()) count += splitWords(decodeUtf8(record.value)).length;
    if (count !== words) throw new Error(`decoded ${count} words, expected ${words}`);
  });

  const context = {
    batchId: 'b/0',
    batchNumber: 0,
    batchTime: 0,
    partition: 'shardId-000000000000',
    firstOffset: '0',
    lastOffset: '0',
  };
  const reduceByKey = await wordsPerSecond(words, async () => {
    const inputs = records().map((record) => ({ ...record, offsetKey: encodeOffsetKey(record.offset) }));
    await evaluateBatch(
      wordCount,
      { context, records: inputs },
      { state: new MapStateBackend(), print: () => undefined },
    );
  });

  const stateful = await wordsPerSecond(words, async (round) => {
    const objects = new MemoryObjectStore();
    const executor = new BatchExecutor({
      pipeline: statefulWordCount,
      namespace: `bench-${round}`,
      state: new MemoryKeyedStateStore(),
      ledger: new MemoryPartitionLedgerStore(),
      writeAheadLog: new WriteAheadLog(objects, 'bench'),
      deadLetters: new MemoryDeadLetterSink(),
      print: () => undefined,
    });
    await executor.processPartition('shardId-000000000000', records());
  });

  console.log(
    '(a) core throughput: 10,000-record Kinesis event, 10 words/record (100,000 words), 1,000-word Zipf vocabulary',
  );
  console.log(`    median of ${ROUNDS} rounds after warm-up; Node ${process.version}`);
  console.table([
    { stage: 'decode floor (base64 + UTF-8 + split)', 'words/s': Math.round(floor), 'vs floor': '1.00' },
    {
      stage: 'core word count (reduceByKey, per batch)',
      'words/s': Math.round(reduceByKey),
      'vs floor': (reduceByKey / floor).toFixed(2),
    },
    {
      stage: 'stateful word count, full executor, in-memory twins',
      'words/s': Math.round(stateful),
      'vs floor': (stateful / floor).toFixed(2),
    },
  ]);
}
