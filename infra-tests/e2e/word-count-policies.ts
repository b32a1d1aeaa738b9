import type { FailurePolicy } from '../../cdk/streaming-pipeline/failure-policy';
import { statefulWordCount } from '../../functions/pipelines/stateful-word-count';
import type { Pipeline } from '../../lib/core';
import type { KinesisHandler } from '../../lib/handlers';
import { MemoryMetricsSink } from '../../lib/metrics';
import { recoverPipeline } from '../../lib/recovery';
import type { ProducedRecord } from '../../localstack/setup/stream';
import {
  deployLocalPipeline,
  type LocalPipeline,
  type LocalPipelineOptions,
} from '../../localstack/runner/local-pipeline';

/** Shared by the end-to-end tests of the failure policies: input, reference, deployment, recovery. */

const WORDS = ['alpha', 'beta', 'gamma', 'delta', 'epsilon'];

/** Retries before a batch is discarded in discard mode: a batch is tried this many times plus one. */
export const RETRY_ATTEMPTS = 1;
/** Failed partition batches an outage lasts: longer than the discard mode's retry budget, several times over. */
export const OUTAGE_FAILURES = 3 * (RETRY_ATTEMPTS + 1) + 1;

/** `count` lines of two words of a five-word vocabulary. */
export function lines(count: number, offset = 0): string[] {
  return Array.from({ length: count }, (_, i) => `${WORDS[(i + offset) % 5]} ${WORDS[(i * 3 + offset) % 5]}`);
}

/**
 * `count` lines that each hold a word no other line holds (`<tag>-<index>`), plus a common word: a lost or
 * doubled line shows as its own word's count (0 or 2), whatever else happened.
 */
export function distinctLines(tag: string, count: number): string[] {
  return Array.from({ length: count }, (_, i) => `${tag}-${i} ${WORDS[i % 5]}`);
}

/** The reference: a plain loop over the input. */
export function referenceCounts(input: readonly string[]): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const line of input) for (const word of line.split(' ')) counts[word] = (counts[word] ?? 0) + 1;
  return counts;
}

const encoder = new TextEncoder();

/** One Kinesis record per line, each with its own partition key. */
export const asRecords = (input: readonly string[], keyPrefix = 'k'): ProducedRecord[] =>
  input.map((line, i) => ({ partitionKey: `${keyPrefix}${i}`, data: encoder.encode(line) }));

/** Records in the on-failure destination, summed over their `KinesisBatchInfo.batchSize`. */
export function discardedRecordCount(onFailureRecords: readonly unknown[]): number {
  return onFailureRecords.reduce(
    (sum: number, record) =>
      sum + (record as { KinesisBatchInfo: { batchSize: number } }).KinesisBatchInfo.batchSize,
    0,
  );
}

/** Where the embedded stack listens. */
export interface StackEndpoint {
  readonly endpoint: string;
  readonly region: string;
}

/** Settings of {@link deployWordCount} beyond the stack, the name and the policy. */
export interface WordCountDeployment {
  readonly metrics: MemoryMetricsSink;
  readonly wrapHandler?: (handler: KinesisHandler) => KinesisHandler;
  /** Where the mapping reports failed polls. @default console.error */
  readonly onError?: (error: unknown) => void;
  /** SDK retries of the handler's and the mapping's clients. @default the deployed handler's */
  readonly sdkRetry?: LocalPipelineOptions['sdkRetry'];
}

/**
 * Deploys the stateful word count with `failurePolicy` (discard mode: {@link RETRY_ATTEMPTS} retries), stream and
 * namespace `name`, batches of 10, and Lambda's retry backoff (1 s doubling to 60 s) scaled down through the
 * mapping's real options, so an outage lasts seconds, not minutes.
 */
export function deployWordCount(
  stack: StackEndpoint,
  name: string,
  failurePolicy: FailurePolicy,
  deployment: WordCountDeployment,
): Promise<LocalPipeline> {
  return deployLocalPipeline({
    endpoint: stack.endpoint,
    region: stack.region,
    pipeline: statefulWordCount,
    streamName: name,
    namespace: name,
    print: () => undefined,
    metrics: deployment.metrics,
    failurePolicy,
    retryAttempts: RETRY_ATTEMPTS,
    mapping: {
      batchSize: 10,
      retryBackoffInitialMs: 20,
      retryBackoffMaxMs: 100,
      ...(deployment.onError === undefined ? {} : { onError: deployment.onError }),
    },
    ...(deployment.wrapHandler === undefined ? {} : { wrapHandler: deployment.wrapHandler }),
    ...(deployment.sdkRetry === undefined ? {} : { sdkRetry: deployment.sdkRetry }),
  });
}

/** `sparkless recover` through its library function. */
export const recover = (
  local: Pick<LocalPipeline, 'location' | 'clients'>,
  recovered: Pipeline = statefulWordCount,
) =>
  recoverPipeline({
    pipeline: recovered,
    location: local.location,
    clients: local.clients,
    print: () => undefined,
    metrics: new MemoryMetricsSink(),
  });
