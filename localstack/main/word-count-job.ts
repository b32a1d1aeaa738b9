import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { statefulWordCount } from '../../functions/pipelines/stateful-word-count';
import { describeError } from '../../lib/core';
import { MemoryMetricsSink } from '../../lib/metrics';
import { startEmbeddedStack } from '../embedded';
import { JsonFileCheckpointStore } from '../event-source-mapping';
import { deployLocalPipeline } from '../runner/local-pipeline';
import { type ProducedRecord, readStreamRecords } from '../setup/stream';
import { isBlankLine, readByteLines, splitByteLines } from './byte-lines';
import type { MainOptions } from './options';
import { checkWordCounts } from './word-count-check';

const MALFORMED = new Uint8Array([0xc3, 0x28, 0xff, 0xfe]);

/**
 * The main job: the stateful word count on the embedded local stack, end to end through
 * the real wire protocols. Produces the sample text (and stdin lines) into a Kinesis
 * stream, runs the real Lambda handler through the local event source mapping, prints
 * Spark-style blocks, then checks the stored counts against a plain count of the input.
 * Returns the process exit code.
 */
export async function runWordCountJob(
  options: MainOptions,
  log: (line: string) => void,
  stopSignal?: AbortSignal,
): Promise<number> {
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
      stopSignal,
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

/**
 * The stateful word count on an already running local stack; returns the exit code. With `follow`, stdin is
 * produced until its end or until `stopSignal` aborts (SIGINT/SIGTERM in `npm start`); then every line is
 * drained, counted and verified.
 */
export async function runWordCountOn(
  target: LocalTarget,
  options: MainOptions,
  log: (line: string) => void,
  stopSignal?: AbortSignal,
): Promise<number> {
  const metrics = new MemoryMetricsSink();
  const local = await deployLocalPipeline({
    endpoint: target.endpoint,
    region: target.region,
    pipeline: statefulWordCount,
    shards: options.shards,
    metrics,
    mapping: { onError: (error) => log(`event source mapping: ${describeError(error)}`) },
    ...(target.dataDir === undefined
      ? {}
      : {
          checkpointStore: new JsonFileCheckpointStore({
            path: join(target.dataDir, 'event-source-mapping.json'),
          }),
        }),
  });
  const lines = await inputLines(options);
  const records: ProducedRecord[] = lines.map((line, i) => ({ partitionKey: `line-${i}`, data: line }));
  if (options.malformedRecord) records.push({ partitionKey: 'malformed', data: MALFORMED });
  await local.produce(records);
  log(`produced ${records.length} records into ${local.streamName} (${options.shards} shards)`);

  if (options.follow) {
    // Like socketTextStream after a warm-up: what is already in the stream first, then each line as it comes.
    await local.mapping.runUntilIdle({ idlePolls: 2 });
    local.mapping.start();
    log('following: type lines (or pipe them); end of input or Ctrl-C stops gracefully');
    const followed = await followStdin(
      async (line, index) => local.produce([{ partitionKey: `stdin-${Date.now()}-${index}`, data: line }]),
      stopSignal,
    );
    await local.mapping.stop();
    log(`produced ${followed} lines from stdin; draining`);
  }

  await local.mapping.runUntilIdle({ idlePolls: 3 });
  const [stored, deadLetters, streamRecords] = await Promise.all([
    local.readState('global-word-counts'),
    local.readDeadLetters(),
    readStreamRecords(local.clients.kinesis, local.streamName),
  ]);
  const check = checkWordCounts(streamRecords, stored, deadLetters);
  const total = [...stored.values()].reduce((sum: number, count) => sum + (count as number), 0);
  log('');
  log(
    `batches: ${metrics.batches.length}, state writes: ${metrics.batches.reduce((s, b) => s + b.stateWrites, 0)}, ` +
      `conflicts: ${metrics.batches.reduce((s, b) => s + b.stateConflicts, 0)}`,
  );
  log(`global counts: ${stored.size} distinct words, ${total} words in total`);
  for (const entry of deadLetters) {
    log(
      `dead letter: partition ${entry.partition} offset ${entry.offset} [${entry.errorCode}] ${entry.reason} (bytes ${entry.data})`,
    );
  }
  log(
    `the stream holds ${streamRecords.length} records: ${check.validRecords} of valid UTF-8 (counted), ` +
      `${check.invalidRecords.length} not (dead-lettered)`,
  );
  let exitCode = 0;
  if (check.missingDeadLetters.length > 0) {
    const missing = check.missingDeadLetters.map((r) => `${r.shardId} ${r.sequenceNumber}`);
    log(`MISSING dead letters for invalid records: ${missing.slice(0, 10).join(', ')}`);
    exitCode = 1;
  }
  if (check.mismatches.length > 0) {
    log(`MISMATCH against an independent count for: ${check.mismatches.slice(0, 10).join(', ')}`);
    exitCode = 1;
  }
  if (exitCode === 0) log('verified: stored counts equal an independent count of the input');
  return exitCode;
}

/** The input file's lines (the bundled sample by default), then piped stdin's unless following; bytes as they are. */
async function inputLines(options: MainOptions): Promise<Uint8Array[]> {
  const file = options.input ?? join(__dirname, '..', 'sample', 'sample.txt');
  const lines = splitByteLines(await readFile(file)).filter((line) => !isBlankLine(line));
  if (!options.follow && options.readStdin) {
    for await (const line of readByteLines(process.stdin)) if (!isBlankLine(line)) lines.push(line);
  }
  return lines;
}

/**
 * Produces every stdin line as it arrives until the end of input or `stopSignal`, then waits for every put
 * (a failed put fails the run instead of being lost). Returns the number of lines produced.
 */
async function followStdin(
  produce: (line: Uint8Array, index: number) => Promise<void>,
  stopSignal: AbortSignal | undefined,
): Promise<number> {
  const puts: Promise<void>[] = [];
  const stopped = new Promise<void>((resolve) => {
    if (stopSignal?.aborted) resolve();
    stopSignal?.addEventListener('abort', () => resolve(), { once: true });
  });
  const reading = (async () => {
    for await (const line of readByteLines(process.stdin)) {
      if (!isBlankLine(line)) puts.push(produce(line, puts.length));
    }
  })();
  try {
    await Promise.race([reading, stopped]);
  } finally {
    process.stdin.destroy();
  }
  await Promise.all(puts);
  return puts.length;
}
