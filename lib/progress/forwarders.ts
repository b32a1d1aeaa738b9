import { createHash } from 'node:crypto';
import { EventBridgeClient, PutEventsCommand } from '@aws-sdk/client-eventbridge';
import { KinesisClient, PutRecordCommand } from '@aws-sdk/client-kinesis';
import {
  ErrorCode,
  InvalidConfigurationError,
  ProgressTargetKind,
  SparklessError,
  type StreamingQueryListener,
} from '../core';
import type { BatchFailureEvent, BatchProgress } from './types';

/** What a forwarder sends for each event: its kind, the key to dedupe by, and the event itself. */
export type ForwardedProgressEvent =
  | { readonly type: 'progress'; readonly dedupeKey: string; readonly event: BatchProgress }
  | { readonly type: 'failure'; readonly dedupeKey: string; readonly event: BatchFailureEvent };

/** The `source` and `detail-type`s of the events {@link forwardProgressToEventBridge} puts. */
export const ProgressEventBridge = {
  SOURCE: 'sparkless',
  PROGRESS_DETAIL_TYPE: 'Sparkless Batch Progress',
  FAILURE_DETAIL_TYPE: 'Sparkless Batch Failure',
} as const;

/** Kinesis' limit on a partition key, in Unicode characters. */
const MAX_PARTITION_KEY_LENGTH = 256;

/**
 * The event with its dedupe key: `<id>/<partition>/<batchId>` for a batch (a replay or a
 * redelivered call carries the same key), `<id>/<partition>/failure/<timestamp>` for a failure.
 */
export function forwardedProgress(event: BatchProgress): ForwardedProgressEvent {
  return { type: 'progress', dedupeKey: `${event.id}/${event.partition}/${event.batchId}`, event };
}

/** See {@link forwardedProgress}. */
export function forwardedFailure(event: BatchFailureEvent): ForwardedProgressEvent {
  return { type: 'failure', dedupeKey: `${event.id}/${event.partition}/failure/${event.timestamp}`, event };
}

/**
 * One pipeline partition's events share a Kinesis partition key (`<id>/<partition>`), so they land
 * on one shard in batch order; a key longer than Kinesis allows is replaced by its SHA-256.
 */
function kinesisPartitionKey(event: BatchProgress | BatchFailureEvent): string {
  const key = `${event.id}/${event.partition}`;
  return key.length <= MAX_PARTITION_KEY_LENGTH ? key : createHash('sha256').update(key).digest('hex');
}

/**
 * A listener that puts every progress record and failure event on the Kinesis stream `streamName`
 * as JSON ({@link ForwardedProgressEvent}), like Spark's listener forwarding to a `streaming-metrics`
 * topic. At least once: dedupe by `dedupeKey`. The CDK construct grants the function
 * `kinesis:PutRecord` on the stream.
 *
 * @param client - the Kinesis client; @default a client for the function's region and credentials
 */
export function forwardProgressToKinesis(streamName: string, client?: KinesisClient): StreamingQueryListener {
  requireName('forwardProgressToKinesis', 'stream', streamName);
  let kinesis = client;
  const put = async (forwarded: ForwardedProgressEvent): Promise<void> => {
    kinesis ??= new KinesisClient({});
    await kinesis.send(
      new PutRecordCommand({
        StreamName: streamName,
        PartitionKey: kinesisPartitionKey(forwarded.event),
        Data: new TextEncoder().encode(JSON.stringify(forwarded)),
      }),
    );
  };
  return {
    target: { kind: ProgressTargetKind.Kinesis, name: streamName },
    onProgress: (progress) => put(forwardedProgress(progress)),
    onFailure: (event) => put(forwardedFailure(event)),
  };
}

/**
 * A listener that puts every progress record and failure event on the EventBridge bus `busName`:
 * source `sparkless`, detail-type `Sparkless Batch Progress` or `Sparkless Batch Failure`
 * ({@link ProgressEventBridge}), detail the {@link ForwardedProgressEvent} (rules can match on
 * `detail.event.name` or `detail.event.partition`). At least once: dedupe by `detail.dedupeKey`. A
 * rejected entry throws (the executor logs and counts it). The CDK construct grants the function
 * `events:PutEvents` on the bus.
 *
 * @param client - the EventBridge client; @default a client for the function's region and credentials
 */
export function forwardProgressToEventBridge(
  busName: string,
  client?: EventBridgeClient,
): StreamingQueryListener {
  requireName('forwardProgressToEventBridge', 'event bus', busName);
  let eventBridge = client;
  const put = async (forwarded: ForwardedProgressEvent): Promise<void> => {
    eventBridge ??= new EventBridgeClient({});
    const output = await eventBridge.send(
      new PutEventsCommand({
        Entries: [
          {
            EventBusName: busName,
            Source: ProgressEventBridge.SOURCE,
            DetailType:
              forwarded.type === 'progress'
                ? ProgressEventBridge.PROGRESS_DETAIL_TYPE
                : ProgressEventBridge.FAILURE_DETAIL_TYPE,
            Detail: JSON.stringify(forwarded),
            Time: new Date(forwarded.event.timestamp),
          },
        ],
      }),
    );
    if ((output.FailedEntryCount ?? 0) > 0) {
      const entry = output.Entries?.[0];
      throw new SparklessError(
        ErrorCode.ProgressForwardFailed,
        `EventBridge bus ${busName} rejected ${forwarded.dedupeKey}: ${entry?.ErrorCode ?? 'unknown'} ${entry?.ErrorMessage ?? ''}`.trim(),
      );
    }
  };
  return {
    target: { kind: ProgressTargetKind.EventBridge, name: busName },
    onProgress: (progress) => put(forwardedProgress(progress)),
    onFailure: (event) => put(forwardedFailure(event)),
  };
}

function requireName(forwarder: string, what: string, name: string): void {
  if (name.trim() === '' || name.includes(':')) {
    throw new InvalidConfigurationError(
      `${forwarder} needs the ${what} name (not an ARN, not empty), e.g. ${forwarder}('streaming-metrics') (given ${JSON.stringify(name)})`,
    );
  }
}
