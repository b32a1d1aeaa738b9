import { Duration } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import type * as sqs from 'aws-cdk-lib/aws-sqs';
import type { Construct } from 'constructs';

/** Options of {@link createPipelineAlarms}. */
export interface PipelineAlarmsOptions {
  /** The pipeline's function. */
  readonly lambdaFunction: lambda.IFunction;
  /** The event source mapping's on-failure queue. */
  readonly deadLetterQueue: sqs.IQueue;
  /** The iterator age above which the lag alarm fires. */
  readonly iteratorAgeThreshold: Duration;
}

/** The alarms of a pipeline. Add actions with `alarm.addAlarmAction(...)`. */
export interface PipelineAlarms {
  /** The function lags: `IteratorAge` (maximum per minute) above the threshold for 3 consecutive minutes. */
  readonly iteratorAge: cloudwatch.Alarm;
  /** The function failed at least once in 5 minutes (a batch will be retried). */
  readonly errors: cloudwatch.Alarm;
  /** Lambda discarded at least one batch to the dead-letter queue. */
  readonly deadLetterQueue: cloudwatch.Alarm;
}

/**
 * Creates the CloudWatch alarms of a pipeline: consumer lag, function errors, discarded batches.
 *
 * @param scope - the pipeline construct
 * @param options - the monitored resources and the lag threshold
 */
export function createPipelineAlarms(scope: Construct, options: PipelineAlarmsOptions): PipelineAlarms {
  const { lambdaFunction, deadLetterQueue, iteratorAgeThreshold } = options;
  const iteratorAge = new cloudwatch.Alarm(scope, 'IteratorAgeAlarm', {
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
  const errors = new cloudwatch.Alarm(scope, 'ErrorsAlarm', {
    alarmDescription:
      'The pipeline function failed; Lambda retries the batch (bisected) up to retryAttempts.',
    metric: lambdaFunction.metricErrors({ statistic: cloudwatch.Stats.SUM, period: Duration.minutes(5) }),
    threshold: 1,
    comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
    evaluationPeriods: 1,
    treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
  });
  const discarded = new cloudwatch.Alarm(scope, 'DeadLetterQueueAlarm', {
    alarmDescription:
      'Lambda discarded a batch to the dead-letter queue: re-read it from the stream before it expires.',
    metric: deadLetterQueue.metricApproximateNumberOfMessagesVisible({
      statistic: cloudwatch.Stats.MAXIMUM,
      period: Duration.minutes(5),
    }),
    threshold: 1,
    comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
    evaluationPeriods: 1,
    treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
  });
  return { iteratorAge, errors, deadLetterQueue: discarded };
}
