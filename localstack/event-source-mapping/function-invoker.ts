import { randomUUID } from 'node:crypto';
import type { KinesisStreamEvent } from 'aws-lambda';
import type { Clock } from './clock';
import { createLambdaContext } from './lambda-context';
import type { KinesisBatchHandler } from './types';

/** The result of one synchronous invocation. */
export type InvocationOutcome =
  | { readonly kind: 'returned'; readonly requestId: string; readonly value: unknown }
  | { readonly kind: 'threw'; readonly requestId: string; readonly error: unknown }
  | { readonly kind: 'timedOut'; readonly requestId: string };

/** What {@link invokeFunction} needs. */
export interface InvokeFunctionInput {
  readonly handler: KinesisBatchHandler;
  readonly event: KinesisStreamEvent;
  readonly functionName: string;
  readonly functionArn: string;
  readonly timeoutMs: number;
  readonly clock: Clock;
}

/**
 * Invokes the handler like Lambda's synchronous invoke: a throw (sync or async) is a function error, and after
 * `timeoutMs` the invocation counts as timed out. A timed-out handler is not stopped: its promise keeps running
 * and its late result is ignored (its late rejection is swallowed, as Lambda would only log it).
 */
export async function invokeFunction(input: InvokeFunctionInput): Promise<InvocationOutcome> {
  const requestId = randomUUID();
  const context = createLambdaContext({
    requestId,
    functionName: input.functionName,
    functionArn: input.functionArn,
    deadlineMs: input.clock.now() + input.timeoutMs,
    clock: input.clock,
  });
  const invocation: Promise<InvocationOutcome> = Promise.resolve()
    .then(() => input.handler(input.event, context))
    .then(
      (value): InvocationOutcome => ({ kind: 'returned', requestId, value }),
      (error: unknown): InvocationOutcome => ({ kind: 'threw', requestId, error }),
    );
  const stopTimer = new AbortController();
  const timeout = input.clock
    .sleep(input.timeoutMs, stopTimer.signal)
    .then((): InvocationOutcome => ({ kind: 'timedOut', requestId }));
  try {
    return await Promise.race([invocation, timeout]);
  } finally {
    stopTimer.abort();
  }
}
