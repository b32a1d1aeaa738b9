import type { Context, S3Event } from 'aws-lambda';
import { describeError, InvalidConfigurationError, type Pipeline, SourceKind } from '../core';
import {
  classifyObjectKey,
  INTERNAL_KEY_PREFIXES,
  ObjectKeyClass,
  ObjectVersionGoneError,
  type ObjectVersionGoneReason,
  objectPartition,
  openTextObject,
  isS3TestEvent,
  parseS3Event,
  type S3ObjectRef,
  type TextBatchOptions,
  type TextObject,
} from '../sources/s3-files';
import { type ObjectFailure, ObjectsFailedError } from './errors';
import { EmfMetricsSink } from '../metrics';
import {
  assertSourceKind,
  createRuntimeLoader,
  errorCodeOf,
  type HandlerOptions,
  type PipelineRuntime,
} from './runtime';
import { isRecordsEvent, isWindowTick, unexpectedEventError, type WindowTickEvent } from './window-tick';

/** Options of {@link createS3Handler}: the shared {@link HandlerOptions} and how objects are cut into batches. */
export interface S3HandlerOptions extends HandlerOptions, TextBatchOptions {}

/** What became of one object of an S3 event. */
export const ObjectStatus = {
  /** Its lines were run through the pipeline (or had all been already: a re-delivery). */
  Processed: 'processed',
  /** Not input of this pipeline (see {@link ObjectOutcome.reason}). */
  Ignored: 'ignored',
  /**
   * The version the notification names can no longer be read (deleted, or overwritten in an
   * unversioned bucket): dead-lettered with the reason ({@link ObjectOutcome.missingReason}).
   */
  Missing: 'missing',
} as const;

/** One of the {@link ObjectStatus} values. */
export type ObjectStatus = (typeof ObjectStatus)[keyof typeof ObjectStatus];

/** Why an object was ignored: its key class, or `internal` for Sparkless' own objects in the checkpoint bucket. */
export type IgnoredReason = Exclude<ObjectKeyClass, typeof ObjectKeyClass.Input> | 'internal';

/** The outcome of one object, as the S3 handler returns it (Lambda ignores it for asynchronous invocations; tests and the local poller read it). */
export interface ObjectOutcome {
  /** The bucket. */
  readonly bucket: string;
  /** The object key (decoded). */
  readonly key: string;
  /** What became of the object. */
  readonly status: ObjectStatus;
  /**
   * Why it was ignored, for `ignored` objects.
   *
   * @default absent for other statuses
   */
  readonly reason?: IgnoredReason;
  /**
   * Why the version cannot be read, for `missing` objects.
   *
   * @default absent for other statuses
   */
  readonly missingReason?: ObjectVersionGoneReason;
  /**
   * The partition id of the version read, for `processed` objects.
   *
   * @default absent for other statuses
   */
  readonly partition?: string;
  /**
   * The ETag of the version read, for `processed` objects.
   *
   * @default absent for other statuses
   */
  readonly eTag?: string;
  /** Lines read. */
  readonly lines: number;
  /** Batches committed (a re-delivered object commits none). */
  readonly batchesCommitted: number;
  /** Lines not run as new: committed by an earlier invocation, or by the replay of its open batch in this one. */
  readonly skippedLines: number;
  /** Lines and elements dead-lettered. */
  readonly deadLetters: number;
}

/** What the S3 handler returns. */
export interface S3HandlerResult {
  /** One outcome per `ObjectCreated` record of the event, in event order. */
  readonly objects: readonly ObjectOutcome[];
}

/** The Lambda handler type returned by {@link createS3Handler}: S3 notifications and the window trigger. */
export type S3Handler = (event: S3Event | WindowTickEvent, context?: Context) => Promise<S3HandlerResult>;

/**
 * Builds the Lambda handler for a text-file pipeline (`pipeline(...).fromTextFiles({ prefix })`,
 * Spark's `textFileStream`) invoked by S3 `ObjectCreated` notifications of the input bucket.
 *
 * Each object under the prefix is read with GetObject (the exact version the notification names
 * in a versioned bucket; in an unversioned one, only while it still has the notification's ETag),
 * streamed line by line and run through the `BatchExecutor` in batches of `linesPerBatch` lines,
 * with the object version (key + ETag + version id) as the partition and line numbers as offsets:
 * a re-delivered notification is a no-op, a retry after a crash finishes the open batch from the
 * write-ahead log and skips the committed lines, and a new version of the file is counted as a new
 * file. A version that can no longer be read (deleted, or overwritten in an unversioned bucket) is
 * dead-lettered with the reason (`OBJECT_VERSION_GONE`) and the other objects go on. Keys outside the prefix, folder
 * markers and hidden files (`.name`) are ignored. Lines that are not valid UTF-8 or make user code
 * throw are dead-lettered as for Kinesis. The scheduled trigger's `{ "sparkless": "tick" }` fires due
 * append-mode windows and sweeps due `mapWithState` timeouts, as for Kinesis.
 *
 * A record of the event that cannot be read (no `s3`, no bucket or key, a key that is not URL
 * encoding) is dead-lettered with its JSON and the other objects are processed; an event that is
 * neither an S3 notification nor the tick fails with a message naming the tick input.
 *
 * Configuration, clients and the checkpoint are set up once per container, as for
 * `createKinesisHandler` (same environment variables and options). When an object fails the
 * handler throws after trying the others: Lambda retries the asynchronous invocation, then sends
 * the event to the function's on-failure destination.
 *
 * @throws {@link InvalidConfigurationError} when the pipeline does not read text files
 * @example
 * // functions/file-stream-word-count/handler.ts
 * export const handler = createS3Handler(fileStreamWordCount);
 */
export function createS3Handler(pipeline: Pipeline, options: S3HandlerOptions = {}): S3Handler {
  assertSourceKind(pipeline, SourceKind.TextFiles, 'createS3Handler');
  const source = pipeline.sourceDescriptor;
  // Narrows the descriptor; assertSourceKind has already refused other sources with a better message.
  if (source.kind !== SourceKind.TextFiles) throw new InvalidConfigurationError('not a text-file pipeline');
  const metrics = options.metrics ?? new EmfMetricsSink();
  const load = createRuntimeLoader(pipeline, { ...options, metrics }, { snapshotOffsets: false });
  const recordFailure = (ref: S3ObjectRef, error: unknown): void =>
    metrics.recordFailure({
      pipeline: pipeline.name,
      partition: `${ref.bucket}/${ref.key}`,
      records: 0,
      errorCode: errorCodeOf(error),
      time: Date.now(),
    });
  const batchOptions: TextBatchOptions = {
    ...(options.linesPerBatch === undefined ? {} : { linesPerBatch: options.linesPerBatch }),
    ...(options.bytesPerBatch === undefined ? {} : { bytesPerBatch: options.bytesPerBatch }),
  };

  return async (event) => {
    let runtime: PipelineRuntime;
    try {
      runtime = await load();
    } catch (error) {
      if (isRecordsEvent(event, 'aws:s3')) {
        for (const ref of parseS3Event(event as S3Event).objects) recordFailure(ref, error);
      }
      throw error;
    }
    if (isWindowTick(event)) {
      await runtime.firer?.fire();
      return { objects: [] };
    }
    if (!isS3TestEvent(event) && !isRecordsEvent(event, 'aws:s3')) {
      throw unexpectedEventError(event, 'an S3 event notification (Records of ObjectCreated events)');
    }
    const { objects: refs, malformed } = parseS3Event(event);
    await runtime.executor.deadLetterEnvelopes(malformed);
    const objects: ObjectOutcome[] = [];
    const failures: ObjectFailure[] = [];
    for (const ref of refs) {
      try {
        objects.push(await processObject(runtime, ref, source.prefix, batchOptions));
      } catch (error) {
        failures.push({ bucket: ref.bucket, key: ref.key, error });
        recordFailure(ref, error);
        console.error(
          JSON.stringify({
            level: 'ERROR',
            message: 'object failed; Lambda will retry the event',
            bucket: ref.bucket,
            key: ref.key,
            error: describeError(error),
          }),
        );
      }
    }
    if (failures.length > 0) throw new ObjectsFailedError(failures, refs.length);
    return { objects };
  };
}

const noLines = { lines: 0, batchesCommitted: 0, skippedLines: 0, deadLetters: 0 } as const;

async function processObject(
  runtime: PipelineRuntime,
  ref: S3ObjectRef,
  prefix: string,
  batchOptions: TextBatchOptions,
): Promise<ObjectOutcome> {
  const { bucket, key } = ref;
  if (bucket === runtime.config.checkpointBucket && INTERNAL_KEY_PREFIXES.some((p) => key.startsWith(p))) {
    return { bucket, key, status: ObjectStatus.Ignored, reason: 'internal', ...noLines };
  }
  const keyClass = classifyObjectKey(key, prefix);
  if (keyClass !== ObjectKeyClass.Input) {
    return { bucket, key, status: ObjectStatus.Ignored, reason: keyClass, ...noLines };
  }
  let object: TextObject;
  try {
    object = await openTextObject(runtime.clients.s3, ref, batchOptions);
  } catch (error) {
    if (!(error instanceof ObjectVersionGoneError)) throw error;
    await deadLetterVersion(runtime, error);
    return {
      bucket,
      key,
      status: ObjectStatus.Missing,
      missingReason: error.reason,
      ...noLines,
      deadLetters: 1,
    };
  }
  let lines = 0;
  let batchesCommitted = 0;
  let skippedLines = 0;
  let deadLetters = 0;
  for await (const batch of object.batches) {
    const result = await runtime.executor.processPartition(object.partition, batch);
    lines += batch.length;
    batchesCommitted += result.batchesCommitted;
    skippedLines += result.skippedRecords;
    deadLetters += result.deadLetters;
  }
  return {
    bucket,
    key,
    status: ObjectStatus.Processed,
    partition: object.partition,
    eTag: object.eTag,
    lines,
    batchesCommitted,
    skippedLines,
    deadLetters,
  };
}

/**
 * Dead-letters an object version that can no longer be read, under a deterministic id (a retried
 * event rewrites the same entry), and logs it: it holds no bytes, but names the version and why.
 */
async function deadLetterVersion(runtime: PipelineRuntime, gone: ObjectVersionGoneError): Promise<void> {
  const partition = objectPartition(gone.key, gone.eTag ?? 'unknown', gone.versionId);
  await runtime.executor.deadLetterUnbatched(
    [
      {
        id: `${partition}/object`,
        pipeline: runtime.pipelineName,
        namespace: runtime.config.namespace,
        kind: 'object',
        batchId: partition,
        partition,
        stage: 'source',
        errorCode: gone.code,
        reason: `${describeError(gone)}; cause: ${describeError(gone.cause)}`,
        bucket: gone.bucket,
        key: gone.key,
        ...(gone.eTag === undefined ? {} : { eTag: gone.eTag }),
        ...(gone.versionId === undefined ? {} : { versionId: gone.versionId }),
      },
    ],
    'object version gone before it was read; dead-lettered',
  );
}
