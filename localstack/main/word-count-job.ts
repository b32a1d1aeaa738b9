import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { splitWords, statefulWordCount } from '../../functions/pipelines/stateful-word-count';
import { MemoryMetricsSink } from '../../lib/metrics';
import { startEmbeddedStack } from '../embedded';
import { JsonFileCheckpointStore } from '../event-source-mapping';
import { deployLocalPipeline } from '../runner/local-pipeline';
import type { ProducedRecord } from '../setup/stream';
import type { MainOptions } from './options';

const MALFORMED = new Uint8Array([0xc3, 0x28, 0xff, 0xfe]);

/**
 * The main job: the stateful word count on the embedded local stack, end to end through
 * the real wire protocols. Produces the sample text (and stdin lines) into a Kinesis
 * stream, runs the real Lambda handler through the local event source mapping, prints
 * Spark-style blocks, then checks the stored counts against a plain count of the input.
 * Returns the process exit code.
 */
export async function runWordCountJob(options: MainOptions, log: (line: string) => void): Promise<number> {
  const stack = await startEmbeddedStack({
    port: options.port,
    ...(options.dataDir === undefined ? { persist: false } : { dataDir: options.dataDir }),
  });
  log(`embedded stack ready at ${stack.endpoint} in ${stack.startupMs} ms (data: ${stack.dataDir})`);
  try {
    return await runWordCountOn(
      {
        endpoint: stack.endpoint,
        region: stack.region,
        dataDir: options.dataDir === undefined ? undefined : stack.dataDir,
      },
      options,
      log,
    );
  } finally {
    await stack.stop();
  }
}

/** Where {@link runWordCountOn} deploys: a running local stack, and its data directory when it persists. */
export interface LocalTarget {
  readonly endpoint: string;
  readonly region: string;
  readonly dataDir: string | undefined;
}

/** The stateful word count on an already running local stack; returns the exit code. */
export async function runWordCountOn(
  target: LocalTarget,
  options: MainOptions,
  log: (line: string) => void,
): Promise<number> {
  const metrics = new MemoryMetricsSink();
  const local = await deployLocalPipeline({
    endpoint: target.endpoint,
    region: target.region,
    pipeline: statefulWordCount,
    shards: options.shards,
    metrics,
    ...(target.dataDir === undefined
      ? {}
      : {
          checkpointStore: new JsonFileCheckpointStore({
            path: join(target.dataDir, 'event-source-mapping.json'),
          }),
        }),
  });
  const before = await local.readState('global-word-counts');
  const lines = await inputLines(options);
  const records: ProducedRecord[] = lines.map((line, i) => ({
    partitionKey: `line-${i}`,
    data: new TextEncoder().encode(line),
  }));
  if (options.malformedRecord) records.push({ partitionKey: 'malformed', data: MALFORMED });
  await local.produce(records);
  log(`produced ${records.length} records into ${local.streamName} (${options.shards} shards)`);

  if (options.follow) {
    local.mapping.start();
    log('following: type lines (or pipe them); Ctrl-C stops gracefully');
    await followStdin(async (line) =>
      local.produce([{ partitionKey: `stdin-${Date.now()}`, data: new TextEncoder().encode(line) }]),
    );
    await local.mapping.stop();
    return 0;
  }

  await local.mapping.runUntilIdle({ idlePolls: 3 });
  const after = await local.readState('global-word-counts');
  const deadLetters = await local.readDeadLetters();
  const expected = new Map(before);
  for (const line of lines)
    for (const word of splitWords(line)) expected.set(word, ((expected.get(word) as number) ?? 0) + 1);
  const mismatches = [...new Set([...expected.keys(), ...after.keys()])].filter(
    (word) => expected.get(word) !== after.get(word),
  );
  const total = [...after.values()].reduce((sum: number, count) => sum + (count as number), 0);
  log('');
  log(
    `batches: ${metrics.batches.length}, state writes: ${metrics.batches.reduce((s, b) => s + b.stateWrites, 0)}, ` +
      `conflicts: ${metrics.batches.reduce((s, b) => s + b.stateConflicts, 0)}`,
  );
  log(`global counts: ${after.size} distinct words, ${total} words in total`);
  for (const entry of deadLetters) {
    log(
      `dead letter: partition ${entry.partition} offset ${entry.offset} [${entry.errorCode}] ${entry.reason} (bytes ${entry.data})`,
    );
  }
  if (mismatches.length > 0) {
    log(`MISMATCH against an independent count for: ${mismatches.slice(0, 10).join(', ')}`);
    return 1;
  }
  log('verified: stored counts equal an independent count of the input');
  return 0;
}

async function inputLines(options: MainOptions): Promise<string[]> {
  const file = options.input ?? join(__dirname, '..', 'sample', 'sample.txt');
  const text = await readFile(file, 'utf8');
  const lines = text.split('\n').filter((line) => line.trim() !== '');
  if (!options.follow && options.readStdin) {
    for await (const line of createInterface({ input: process.stdin }))
      if (line.trim() !== '') lines.push(line);
  }
  return lines;
}

async function followStdin(onLine: (line: string) => Promise<void>): Promise<void> {
  const input = createInterface({ input: process.stdin });
  const stopped = new Promise<void>((resolve) => {
    process.once('SIGINT', resolve);
    process.once('SIGTERM', resolve);
    input.once('close', resolve);
  });
  input.on('line', (line) => {
    if (line.trim() !== '') void onLine(line);
  });
  await stopped;
  input.close();
}
