import { randomUUID } from 'node:crypto';
import { ListObjectsV2Command, type S3Client } from '@aws-sdk/client-s3';
import type { S3Event } from 'aws-lambda';
import { describeError } from '../../lib/core';
import type { ObjectOutcome, S3Handler } from '../../lib/handlers';
import { normalizeETag } from '../../lib/sources/s3-files';
import { type Clock, systemClock } from '../event-source-mapping';
import { createLambdaContext } from '../event-source-mapping/lambda-context';
import { LocalRunnerError, LocalRunnerErrorCode } from './errors';
import { type ListedObject, toS3EventRecord } from './s3-notification';
import { SeenObjects } from './seen-objects';

/** What Lambda sends to an asynchronous invocation's on-failure destination (the record format of Lambda destinations). */
export interface AsyncInvocationFailure {
  /** The record format version. */
  readonly version: '1.0';
  /** When the last attempt failed (ISO 8601). */
  readonly timestamp: string;
  /** The failed invocation: request id, function, why it was given up, how many attempts. */
  readonly requestContext: {
    readonly requestId: string;
    readonly functionArn: string;
    readonly condition: 'RetriesExhausted';
    readonly approximateInvokeCount: number;
  };
  /** The event the function failed on. */
  readonly requestPayload: S3Event;
  /** How the last attempt ended (an unhandled function error). */
  readonly responseContext: {
    readonly statusCode: 200;
    readonly executedVersion: '$LATEST';
    readonly functionError: 'Unhandled';
  };
  /** The last error. */
  readonly responsePayload: { readonly errorType: string; readonly errorMessage: string };
}

/** Properties of {@link S3PrefixPoller}. */
export interface S3PrefixPollerProps {
  /** The S3 client of the local stack. */
  readonly s3: S3Client;
  /** The input bucket. */
  readonly bucket: string;
  /** The key prefix to watch (the pipeline's `fromTextFiles({ prefix })`), the notification's prefix filter. */
  readonly prefix: string;
  /** The function to invoke: the real handler built by `createS3Handler`. */
  readonly handler: S3Handler;
  /**
   * The region written into the events.
   *
   * @default 'us-east-1'
   */
  readonly region?: string;
  /**
   * Milliseconds between two listings with {@link S3PrefixPoller.start} (Spark's batch interval).
   *
   * @default 1000
   */
  readonly intervalMs?: number;
  /**
   * Keys per ListObjectsV2 page.
   *
   * @default 1000
   */
  readonly pageSize?: number;
  /**
   * A JSON file remembering the seen object versions across restarts.
   *
   * @default none: remembered in memory (a restarted poller re-announces every object; the ledger makes that a no-op)
   */
  readonly seenFile?: string;
  /**
   * Announce only objects that appear after the first listing (Spark's `newFilesOnly` and what S3
   * notifications do for a new deployment); objects present at the first listing are marked seen.
   *
   * @default false: every object under the prefix is announced once
   */
  readonly newFilesOnly?: boolean;
  /**
   * Retries of a failed invocation, as Lambda retries asynchronous invocations (0 to 2).
   *
   * @default 2
   */
  readonly maximumRetryAttempts?: number;
  /**
   * Milliseconds before each retry (Lambda waits about 1 then 2 minutes).
   *
   * @default 0
   */
  readonly retryDelayMs?: number;
  /**
   * The on-failure destination: receives the failure record once the retries are exhausted.
   *
   * @default none: the failure is counted and logged only
   */
  readonly onFailure?: (failure: AsyncInvocationFailure) => Promise<void>;
  /**
   * Errors of background polls (listing failures, on-failure destination failures).
   *
   * @default a JSON line on stderr
   */
  readonly onError?: (error: unknown) => void;
  /**
   * The function name in the Lambda context and failure records.
   *
   * @default 'sparkless-local'
   */
  readonly functionName?: string;
  /**
   * The clock for retry delays and the invocation context.
   *
   * @default the system clock
   */
  readonly clock?: Clock;
}

/** What one listing did. */
export interface PrefixPollResult {
  /** Objects listed under the prefix. */
  readonly listed: number;
  /** Object versions not seen before (announced, or only marked seen on a `newFilesOnly` first listing). */
  readonly newObjects: number;
  /** Handler invocations, retries included. */
  readonly invocations: number;
  /** Objects whose invocations all failed (sent to `onFailure`). */
  readonly failed: number;
  /** The handler's outcomes for the announced objects, in announcement order. */
  readonly outcomes: readonly ObjectOutcome[];
}

const LAMBDA_MAX_ASYNC_RETRIES = 2;

/**
 * The local stand-in for S3 event notifications, like Spark's directory monitor: every interval it
 * lists the prefix (ListObjectsV2, all pages) and invokes the real S3 handler with an
 * `ObjectCreated:Put` notification for each object version (key + ETag) it has not seen yet,
 * oldest first, one object per event as S3 sends them. A failed invocation is retried as Lambda
 * retries asynchronous invocations, then handed to `onFailure`; the version is then seen (Lambda
 * does not deliver it again either).
 *
 * The embedded S3 emulator has no bucket notifications, hence the polling.
 *
 * @example
 * const poller = new S3PrefixPoller({ s3, bucket: 'sparkless-input', prefix: 'input/', handler });
 * await poller.pollOnce(); // or: poller.start(); … await poller.stop();
 */
export class S3PrefixPoller {
  readonly #props: S3PrefixPollerProps;
  readonly #seen: SeenObjects;
  readonly #clock: Clock;
  #firstListing = true;
  #queue: Promise<unknown> = Promise.resolve();
  #loop: { readonly abort: AbortController; readonly done: Promise<void> } | undefined;

  public constructor(props: S3PrefixPollerProps) {
    const retries = props.maximumRetryAttempts ?? LAMBDA_MAX_ASYNC_RETRIES;
    if (!Number.isInteger(retries) || retries < 0 || retries > LAMBDA_MAX_ASYNC_RETRIES) {
      throw new LocalRunnerError(
        LocalRunnerErrorCode.InvalidConfig,
        `maximumRetryAttempts must be a whole number between 0 and 2 inclusive, as for Lambda's asynchronous invocations (given ${retries})`,
      );
    }
    const interval = props.intervalMs ?? 1000;
    if (!Number.isFinite(interval) || interval < 0) {
      throw new LocalRunnerError(
        LocalRunnerErrorCode.InvalidConfig,
        `intervalMs must be a number of milliseconds of at least 0 (given ${interval})`,
      );
    }
    this.#props = props;
    this.#seen = new SeenObjects(props.seenFile === undefined ? {} : { path: props.seenFile });
    this.#clock = props.clock ?? systemClock;
  }

  /** True between {@link start} and {@link stop}. */
  public get running(): boolean {
    return this.#loop !== undefined;
  }

  /**
   * Lists the prefix once and invokes the handler for every object version not seen yet. Calls
   * are serialized: a call made while another runs starts after it.
   */
  public pollOnce(): Promise<PrefixPollResult> {
    const poll = this.#queue.then(() => this.#poll());
    this.#queue = poll.catch(() => undefined);
    return poll;
  }

  /** Polls in the background every `intervalMs` until {@link stop}. Calling it twice does nothing. */
  public start(): void {
    if (this.#loop !== undefined) return;
    const abort = new AbortController();
    this.#loop = { abort, done: this.#run(abort.signal) };
  }

  /** Stops the background polling and waits for the poll in flight. */
  public async stop(): Promise<void> {
    const loop = this.#loop;
    if (loop === undefined) return;
    loop.abort.abort();
    await loop.done;
    this.#loop = undefined;
  }

  async #run(signal: AbortSignal): Promise<void> {
    while (!signal.aborted) {
      try {
        await this.pollOnce();
      } catch (error) {
        this.#reportError(error);
      }
      await this.#clock.sleep(this.#props.intervalMs ?? 1000, signal);
    }
  }

  async #poll(): Promise<PrefixPollResult> {
    const listed = await this.#list();
    const fresh: ListedObject[] = [];
    for (const object of listed) {
      if (!(await this.#seen.has(SeenObjects.idOf(object.key, object.eTag)))) fresh.push(object);
    }
    const first = this.#firstListing;
    this.#firstListing = false;
    if (first && this.#props.newFilesOnly === true) {
      await this.#seen.add(fresh.map((object) => SeenObjects.idOf(object.key, object.eTag)));
      return { listed: listed.length, newObjects: fresh.length, invocations: 0, failed: 0, outcomes: [] };
    }
    fresh.sort((a, b) => a.lastModified - b.lastModified || (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
    const outcomes: ObjectOutcome[] = [];
    let invocations = 0;
    let failed = 0;
    for (const object of fresh) {
      const delivery = await this.#deliver(object);
      invocations += delivery.invocations;
      if (delivery.outcomes === undefined) failed++;
      else outcomes.push(...delivery.outcomes);
      await this.#seen.add([SeenObjects.idOf(object.key, object.eTag)]);
    }
    return { listed: listed.length, newObjects: fresh.length, invocations, failed, outcomes };
  }

  /** Every object under the prefix, all pages. */
  async #list(): Promise<ListedObject[]> {
    const objects: ListedObject[] = [];
    let continuationToken: string | undefined;
    do {
      const page = await this.#props.s3.send(
        new ListObjectsV2Command({
          Bucket: this.#props.bucket,
          Prefix: this.#props.prefix,
          MaxKeys: this.#props.pageSize ?? 1000,
          ...(continuationToken === undefined ? {} : { ContinuationToken: continuationToken }),
        }),
      );
      for (const object of page.Contents ?? []) {
        if (object.Key === undefined || object.ETag === undefined) continue;
        objects.push({
          key: object.Key,
          eTag: normalizeETag(object.ETag),
          size: object.Size ?? 0,
          lastModified: object.LastModified?.getTime() ?? this.#clock.now(),
        });
      }
      continuationToken = page.IsTruncated === true ? page.NextContinuationToken : undefined;
    } while (continuationToken !== undefined);
    return objects;
  }

  /** Invokes the handler for one object, retrying like Lambda; `outcomes` is undefined when every attempt failed. */
  async #deliver(
    object: ListedObject,
  ): Promise<{ readonly invocations: number; readonly outcomes: readonly ObjectOutcome[] | undefined }> {
    const { bucket, region = 'us-east-1', functionName = 'sparkless-local' } = this.#props;
    const event: S3Event = { Records: [toS3EventRecord(object, { bucket, region })] };
    const functionArn = `arn:aws:lambda:${region}:000000000000:function:${functionName}`;
    const attempts = 1 + (this.#props.maximumRetryAttempts ?? LAMBDA_MAX_ASYNC_RETRIES);
    const requestId = randomUUID();
    let lastError: unknown;
    for (let attempt = 1; attempt <= attempts; attempt++) {
      if (attempt > 1 && (this.#props.retryDelayMs ?? 0) > 0) {
        await this.#clock.sleep(this.#props.retryDelayMs ?? 0);
      }
      const context = createLambdaContext({
        requestId,
        functionName,
        functionArn,
        deadlineMs: this.#clock.now() + 15 * 60_000,
        clock: this.#clock,
      });
      try {
        const result = await this.#props.handler(event, context);
        return { invocations: attempt, outcomes: result.objects };
      } catch (error) {
        lastError = error;
      }
    }
    await this.#props.onFailure?.({
      version: '1.0',
      timestamp: new Date(this.#clock.now()).toISOString(),
      requestContext: {
        requestId,
        functionArn: `${functionArn}:$LATEST`,
        condition: 'RetriesExhausted',
        approximateInvokeCount: attempts,
      },
      requestPayload: event,
      responseContext: { statusCode: 200, executedVersion: '$LATEST', functionError: 'Unhandled' },
      responsePayload: {
        errorType: lastError instanceof Error ? lastError.name : 'Error',
        errorMessage: lastError instanceof Error ? lastError.message : describeError(lastError),
      },
    });
    return { invocations: attempts, outcomes: undefined };
  }

  #reportError(error: unknown): void {
    if (this.#props.onError !== undefined) {
      this.#props.onError(error);
      return;
    }
    console.error(
      JSON.stringify({
        level: 'ERROR',
        message: 'S3 prefix poll failed; polling again at the next interval',
        bucket: this.#props.bucket,
        prefix: this.#props.prefix,
        error: describeError(error),
      }),
    );
  }
}
