import { setTimeout as sleep } from 'node:timers/promises';
import { InvalidConfigurationError } from '../../lib/core';
import {
  type BatchProgress,
  type PipelineStatus,
  type ProgressSources,
  progressSources,
  recentProgress,
  status,
} from '../../lib/progress';
import { createAwsClients } from '../../localstack/clients';
import { resolveTarget, type TargetOptions } from '../target';
import type { CommandIo } from './io';

/** Options of `sparkless status`. */
export interface StatusCommandOptions extends TargetOptions {
  /** Print the status as one JSON object. @default false */
  readonly json?: boolean;
}

/** Options of `sparkless progress`. */
export interface ProgressCommandOptions extends TargetOptions {
  /** How many records (the most recent, across partitions). @default '10' */
  readonly n?: string;
  /** One JSON record per line (Spark's `StreamingQueryProgress.json`). @default false */
  readonly json?: boolean;
  /** Keep printing new records until interrupted. @default false */
  readonly follow?: boolean;
  /** Milliseconds between two reads with `--follow`. @default '1000' */
  readonly interval?: string;
}

/** What the commands read from, and (for `--follow`) when to stop: injectable for tests. */
export interface ProgressCommandDependencies {
  /** @default the pipeline's state table, found by {@link resolveTarget} */
  readonly sources?: (
    pipelineName: string,
    options: TargetOptions,
    io: CommandIo,
  ) => Promise<ProgressSources>;
  /** Ends `--follow`. @default SIGINT or SIGTERM */
  readonly signal?: AbortSignal;
}

/** `sparkless status <pipeline>`: prints Spark's status fields and every partition's position; exit code 0. */
export async function statusCommand(
  pipelineName: string,
  options: StatusCommandOptions,
  io: CommandIo,
  dependencies: ProgressCommandDependencies = {},
): Promise<number> {
  const sources = await (dependencies.sources ?? targetSources)(pipelineName, options, io);
  const result = await status(sources);
  if (options.json === true) io.out(JSON.stringify(result, null, 2));
  else for (const line of statusLines(result)) io.out(line);
  if (result.partitions.length === 0) io.err(nothingYet(sources));
  return 0;
}

/**
 * `sparkless progress <pipeline>`: prints the most recent progress records across partitions, oldest
 * first; with `--follow`, then every new record (a replayed batch again) until interrupted.
 */
export async function progressCommand(
  pipelineName: string,
  options: ProgressCommandOptions,
  io: CommandIo,
  dependencies: ProgressCommandDependencies = {},
): Promise<number> {
  const n = positiveInteger('-n', options.n ?? '10');
  const interval = positiveInteger('--interval', options.interval ?? '1000');
  const sources = await (dependencies.sources ?? targetSources)(pipelineName, options, io);
  const print = (record: BatchProgress) =>
    io.out(options.json === true ? JSON.stringify(record) : progressLine(record));
  const seen = new Map<string, string>();
  const show = (records: readonly BatchProgress[]) => {
    for (const record of records) {
      const key = `${record.partition}/${record.batchId}`;
      const version = JSON.stringify(record);
      if (seen.get(key) === version) continue;
      seen.set(key, version);
      print(record);
    }
  };
  show(await recentProgress(sources, n));
  if (seen.size === 0) io.err(nothingYet(sources));
  if (options.follow !== true) return 0;
  const signal = dependencies.signal ?? interruption();
  while (!signal.aborted) {
    try {
      await sleep(interval, undefined, { signal });
    } catch {
      break;
    }
    // Between two reads, more than n batches may commit: read a wider window, print only the new ones.
    show(await recentProgress(sources, Math.max(n, 1000)));
  }
  return 0;
}

async function targetSources(
  pipelineName: string,
  options: TargetOptions,
  io: CommandIo,
): Promise<ProgressSources> {
  const target = await resolveTarget(pipelineName, options, io.env);
  const { dynamodb } = createAwsClients({
    ...(target.endpoint === undefined ? {} : { endpoint: target.endpoint }),
    ...(target.region === undefined ? {} : { region: target.region }),
  });
  return progressSources(pipelineName, {
    dynamodb,
    stateTable: target.location.stateTable,
    namespace: target.location.namespace,
  });
}

/** The hint when a namespace has no batch yet (a typo in the name or namespace looks the same). */
function nothingYet(sources: ProgressSources): string {
  return `sparkless: no batch has run in namespace ${sources.namespace} yet; if the pipeline has run, check the pipeline name, --namespace or --stack`;
}

/** The status as text: the message, Spark's two flags, then a line per partition. */
export function statusLines(result: PipelineStatus): string[] {
  const lines = [
    `${result.id}: ${result.message}`,
    `isDataAvailable: ${result.isDataAvailable}, isTriggerActive: ${result.isTriggerActive}`,
  ];
  for (const partition of result.partitions) {
    const parts = [
      `partition ${partition.partition}`,
      `committed ${partition.committedOffset ?? 'nothing'}`,
      `${partition.batchesCommitted} batch(es)`,
    ];
    if (partition.openBatch !== undefined) {
      const open = partition.openBatch;
      parts.push(
        `open batch ${open.batchId} (${open.startOffset}..${open.endOffset}, claimed ${open.timestamp})`,
      );
    }
    if (partition.watermark !== undefined) parts.push(`watermark ${partition.watermark}`);
    if (partition.lastFailure !== undefined) {
      const failure = partition.lastFailure;
      parts.push(
        `${partition.failing ? 'FAILING' : 'last failure'} ${failure.errorCode} at ${failure.timestamp}: ${failure.message}`,
      );
    }
    lines.push(parts.join(', '));
  }
  return lines;
}

/** One record as a line of text. */
export function progressLine(record: BatchProgress): string {
  const rate =
    record.processedRowsPerSecond === undefined ? '' : `, ${record.processedRowsPerSecond.toFixed(1)} rows/s`;
  return (
    `${record.timestamp} ${record.partition} batch ${record.batchId}: ${record.numInputRows} row(s)${rate}, ` +
    `${record.durationMs.triggerExecution} ms, scheduling delay ${record.schedulingDelayMs} ms` +
    (record.deadLetters > 0 ? `, ${record.deadLetters} dead letter(s)` : '') +
    (record.replayed ? ', replayed' : '')
  );
}

function positiveInteger(option: string, raw: string): number {
  const value = Number(raw);
  if (!/^\d+$/.test(raw) || !Number.isSafeInteger(value) || value <= 0) {
    throw new InvalidConfigurationError(
      `${option} must be a positive whole number (given ${JSON.stringify(raw)})`,
    );
  }
  return value;
}

/** Aborts on the first SIGINT or SIGTERM (Ctrl-C ends `--follow` with exit code 0). */
function interruption(): AbortSignal {
  const controller = new AbortController();
  const stop = () => controller.abort();
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
  return controller.signal;
}
