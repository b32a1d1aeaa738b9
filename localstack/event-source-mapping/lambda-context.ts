import type { Context } from 'aws-lambda';
import type { Clock } from './clock';

/** What {@link createLambdaContext} needs. */
export interface LambdaContextInput {
  readonly requestId: string;
  readonly functionName: string;
  readonly functionArn: string;
  /** Epoch milliseconds at which the invocation times out. */
  readonly deadlineMs: number;
  readonly clock: Clock;
}

/** A Lambda `Context` for one invocation; the deprecated `done`/`fail`/`succeed` callbacks throw. */
export function createLambdaContext(input: LambdaContextInput): Context {
  const unsupported = (name: string) => (): never => {
    throw new Error(
      `context.${name}() is not supported by the local runner: return or throw from the handler`,
    );
  };
  return {
    callbackWaitsForEmptyEventLoop: true,
    functionName: input.functionName,
    functionVersion: '$LATEST',
    invokedFunctionArn: input.functionArn,
    memoryLimitInMB: '128',
    awsRequestId: input.requestId,
    logGroupName: `/aws/lambda/${input.functionName}`,
    logStreamName: `local/[$LATEST]${input.requestId.replaceAll('-', '')}`,
    getRemainingTimeInMillis: () => Math.max(0, input.deadlineMs - input.clock.now()),
    done: unsupported('done'),
    fail: unsupported('fail'),
    succeed: unsupported('succeed'),
  };
}
