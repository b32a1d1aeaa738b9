import { Duration } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import type * as sqs from 'aws-cdk-lib/aws-sqs';
import type { Construct } from 'constructs';
import type { SourceKind } from '../../lib/core/pipeline/pipeline';

/** Options of {@link createPipelineAlarms}. */
export interface PipelineAlarmsOptions {
  /** The pipeline's function. */
  readonly lambdaFunction: lambda.IFunction;
  /** The on-failure queue (of the event source mapping, or of the asynchronous invocations). */
  readonly deadLetterQueue: sqs.IQueue;
  /**
   * The iterator age above which the lag alarm fires (stream sources).
   *
   * @default no lag alarm (S3-invoked functions have no iterator)
   */
  readonly iteratorAgeThreshold?: Duration;
  /**
   * How the function is invoked, for the alarms' descriptions: `kinesis` (an event source mapping
   * retries batches) or `text-files` (S3 invokes it asynchronously, Lambda retries events).
   *
   * @default 'kinesis'
   */
  readonly sourceKind?: SourceKind;
}

/** What the errors and dead-letter alarms tell the operator, per source. */
const DESCRIPTIONS: Readonly<Record<SourceKind, { readonly errors: string; readonly discarded: string }>> = {
  kinesis: {
    errors: 'The pipeline function failed; Lambda retries the batch (bisected) up to retryAttempts.',
    discarded:
      'Lambda discarded a batch to the dead-letter queue: re-read it from the stream before it expires.',
  },
  'text-files': {
    errors: 'The pipeline function failed; Lambda retries the event up to asyncRetryAttempts.',
    discarded:
      'Lambda discarded an S3 event to the dead-letter queue: invoke the function with it again once the cause is fixed (committed lines are skipped).',
  },
};

/** The alarms of a pipeline. Add actions with `alarm.addAlarmAction(...)`. */
export interface PipelineAlarms {
  /** The function lags: `IteratorAge` (maximum per minute) above the threshold for 3 consecutive minutes. Kinesis pipelines only. */
  readonly iteratorAge?: cloudwatch.Alarm;
  /** The function failed at least once in 5 minutes (the batch or event will be retried). */
  readonly errors: cloudwatch.Alarm;
  /** Lambda discarded at least one batch or event to the dead-letter queue. */
  readonly deadLetterQueue: cloudwatch.Alarm;
}

/**
 * Creates the CloudWatch alarms of a pipeline: consumer lag (with an iterator age threshold),
 * function errors, discarded batches or events.
 *
 * @param scope - the pipeline construct
 * @param options - the monitored resources and the lag threshold
 */
export function createPipelineAlarms(scope: Construct, options: PipelineAlarmsOptions): PipelineAlarms {
  const { lambdaFunction, deadLetterQueue, iteratorAgeThreshold } = options;
  const descriptions = DESCRIPTIONS[options.sourceKind ?? 'kinesis'];
  const iteratorAge =
    iteratorAgeThreshold === undefined
      ? undefined
      : createIteratorAgeAlarm(scope, lambdaFunction, iteratorAgeThreshold);
  const errors = new cloudwatch.Alarm(scope, 'ErrorsAlarm', {
    alarmDescription: descriptions.errors,
    metric: lambdaFunction.metricErrors({ statistic: cloudwatch.Stats.SUM, period: Duration.minutes(5) }),
    threshold: 1,
    comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
    evaluationPeriods: 1,
    treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
  });
  const discarded = new cloudwatch.Alarm(scope, 'DeadLetterQueueAlarm', {
    alarmDescription: descriptions.discarded,
    metric: deadLetterQueue.metricApproximateNumberOfMessagesVisible({
      statistic: cloudwatch.Stats.MAXIMUM,
      period: Duration.minutes(5),
    }),
    threshold: 1,
    comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
    evaluationPeriods: 1,
    treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
  });
  return { ...(iteratorAge === undefined ? {} : { iteratorAge }), errors, deadLetterQueue: discarded };
}

function createIteratorAgeAlarm(
  scope: Construct,
  lambdaFunction: lambda.IFunction,
  iteratorAgeThreshold: Duration,
): cloudwatch.Alarm {
  return new cloudwatch.Alarm(scope, 'IteratorAgeAlarm', {
    alarmDescription: `Consumer lag: the newest record read is older than ${iteratorAgeThreshold.toHumanString()}.`,
    metric: lambdaFunction.metric('IteratorAge', {
      statistic: cloudwatch.Stats.MAXIMUM,
      period: Duration.minutes(1),
    }),
    threshold: iteratorAgeThreshold.toMilliseconds(),
    comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
    evaluationPeriods: 3,
    datapointsToAlarm: 3,
    treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
  });
}
