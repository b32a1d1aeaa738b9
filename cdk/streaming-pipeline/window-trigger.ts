import type { Duration } from 'aws-cdk-lib';
import * as events from 'aws-cdk-lib/aws-events';
import * as targets from 'aws-cdk-lib/aws-events-targets';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import type { Construct } from 'constructs';
import { WINDOW_TRIGGER_EVENT } from './constants';

/** Options of {@link createWindowTrigger}. */
export interface WindowTriggerOptions {
  /** The pipeline's function. */
  readonly lambdaFunction: lambda.IFunction;
  /** How often the rule fires; a whole number of minutes. */
  readonly interval: Duration;
  /** The pipeline name, for the rule's description. */
  readonly pipelineName: string;
}

/**
 * Creates the EventBridge rule that invokes the function with `{ "sparkless": "tick" }` every
 * `interval`, so event-time windows fire on idle streams. A lost or late tick only delays firing
 * until the next one (firing is idempotent), so the target retries twice and no more.
 *
 * @param scope - the pipeline construct
 * @param options - function, interval and pipeline name
 */
export function createWindowTrigger(scope: Construct, options: WindowTriggerOptions): events.Rule {
  return new events.Rule(scope, 'WindowTrigger', {
    description: `Sparkless ${options.pipelineName}: fire event-time windows on idle streams`,
    schedule: events.Schedule.rate(options.interval),
    targets: [
      new targets.LambdaFunction(options.lambdaFunction, {
        event: events.RuleTargetInput.fromObject(WINDOW_TRIGGER_EVENT),
        retryAttempts: 2,
      }),
    ],
  });
}
