import { Duration } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import type * as sqs from 'aws-cdk-lib/aws-sqs';
import type { Construct } from 'constructs';
import type { SourceKind } from '../../lib/core/pipeline/pipeline';
import { SparklessMetric } from '../../lib/metrics/batch-metrics';
import { StreamingPipelineDefaults } from './constants';
import { DEFAULT_FAILURE_POLICY, FailurePolicy } from './failure-policy';

/** Options of {@link createPipelineAlarms}. */
export interface PipelineAlarmsOptions {
  /** The pipeline's function. */
  readonly lambdaFunction: lambda.IFunction;
  /** The on-failure queue (of the event source mapping, or of the asynchronous invocations). */
  readonly deadLetterQueue: sqs.IQueue;
  /**
   * The pipeline (plan) name: the `Pipeline` dimension of the handlers' metrics, and the argument of
   * `sparkless recover` in the descriptions.
   */
  readonly pipelineName: string;
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
  /**
   * The failure policy in effect, for the alarms' descriptions.
   *
   * @default the source's default (`BlockUntilFixed` for Kinesis, `DiscardAndRecover` for text files)
   */
  readonly failurePolicy?: FailurePolicy;
}

/** What the alarms tell the operator. */
interface AlarmDescriptions {
  readonly failedBatches: string;
  readonly errors: string;
  readonly discarded: string;
  readonly deadLetters: string;
  readonly iteratorAge: (threshold: string) => string;
}

function descriptionsFor(kind: SourceKind, policy: FailurePolicy, pipeline: string): AlarmDescriptions {
  const recover = `npx sparkless recover ${pipeline}`;
  const lag = (threshold: string) =>
    `Consumer lag: the newest record read is older than ${threshold}. A shard blocked on a failing batch shows up here too.`;
  if (kind === 'text-files') {
    return {
      failedBatches: `The handler failed to process an S3 object of ${pipeline}; Lambda retries the event up to asyncRetryAttempts, then sends it to the dead-letter queue.`,
      errors: 'The pipeline function failed; Lambda retries the event up to asyncRetryAttempts.',
      discarded: `Lambda sent an S3 event to the dead-letter queue after its retries. Fix the cause, then run \`${recover}\`: it processes each event again, exactly once, and deletes its message.`,
      deadLetters: `The handler of ${pipeline} dead-lettered records or elements it could not process (malformed input, a failing user function); the batch committed without them. Inspect the dead letters under the checkpoint bucket's dead-letters prefix and replay what should count.`,
      iteratorAge: lag,
    };
  }
  if (policy === FailurePolicy.BlockUntilFixed) {
    return {
      failedBatches: `A shard of ${pipeline} is blocked: its batch failed and Lambda retries it until it succeeds (nothing is skipped). Fix the cause (see the function log) before the records expire from the stream.`,
      errors:
        'The pipeline function failed as a whole (cold start or crash); Lambda retries the batch until it succeeds.',
      discarded: `Lambda gave up on a batch although the failure policy blocks: its records expired from the stream while it kept failing. Run \`${recover}\`: it processes whatever is still in the stream exactly once and counts what expired (lost). Raise the stream retention or fix failures faster.`,
      deadLetters: `The handler of ${pipeline} dead-lettered records or elements it could not process (malformed input, a failing user function); the batch committed without them. Inspect the dead letters under the checkpoint bucket's dead-letters prefix and replay what should count.`,
      iteratorAge: (threshold) =>
        `${lag(threshold)} Under the blocking failure policy a failing batch holds its shard until it is fixed or expires.`,
    };
  }
  return {
    failedBatches: `A batch of ${pipeline} failed; Lambda retries it up to retryAttempts (or maxRecordAge), then discards it to the dead-letter queue.`,
    errors:
      'The pipeline function failed as a whole (cold start or crash); Lambda retries the batch up to retryAttempts.',
    discarded: `Lambda discarded a batch to the dead-letter queue. Fix the cause, then run \`${recover}\` before the records expire from the stream: it processes exactly the records never committed, once.`,
    deadLetters: `The handler of ${pipeline} dead-lettered records or elements it could not process (malformed input, a failing user function); the batch committed without them. Inspect the dead letters under the checkpoint bucket's dead-letters prefix and replay what should count.`,
    iteratorAge: lag,
  };
}

/** The alarms of a pipeline. Add actions with `alarm.addAlarmAction(...)`. */
export interface PipelineAlarms {
  /** The function lags: `IteratorAge` (maximum per minute) above the threshold for 3 consecutive minutes. Kinesis pipelines only. */
  readonly iteratorAge?: cloudwatch.Alarm;
  /**
   * At least one partition batch (shard batch, or S3 object) failed in a minute: the handlers'
   * `Sparkless/FailedBatches` metric. A Kinesis handler reports failures as batch item failures, so
   * Lambda's `Errors` metric stays flat while a shard is blocked: this alarm is the one that fires.
   */
  readonly failedBatches: cloudwatch.Alarm;
  /** The function failed as a whole at least once in 5 minutes (the batch or event will be retried). */
  readonly errors: cloudwatch.Alarm;
  /** Lambda sent at least one batch pointer or event to the dead-letter queue. */
  readonly deadLetterQueue: cloudwatch.Alarm;
  /** The handlers dead-lettered at least one record or element in 5 minutes: the `Sparkless/DeadLetters` metric. */
  readonly deadLetters: cloudwatch.Alarm;
}

/** Every alarm of a pipeline, for actions. */
export function allAlarms(alarms: PipelineAlarms): cloudwatch.Alarm[] {
  return [
    alarms.iteratorAge,
    alarms.failedBatches,
    alarms.errors,
    alarms.deadLetterQueue,
    alarms.deadLetters,
  ].filter((alarm): alarm is cloudwatch.Alarm => alarm !== undefined);
}

/**
 * A metric the handlers write in CloudWatch Embedded Metric Format, by pipeline.
 *
 * @param pipelineName - the `Pipeline` dimension
 * @param metricName - one of {@link SparklessMetric}'s names
 * @param props - statistic, period, label
 */
export function sparklessMetric(
  pipelineName: string,
  metricName: string,
  props: cloudwatch.MetricOptions = {},
): cloudwatch.Metric {
  return new cloudwatch.Metric({
    namespace: SparklessMetric.NAMESPACE,
    metricName,
    dimensionsMap: { [SparklessMetric.PIPELINE_DIMENSION]: pipelineName },
    ...props,
  });
}

/**
 * Creates the CloudWatch alarms of a pipeline: failed partition batches (emitted by the handler),
 * consumer lag (with an iterator age threshold), function errors, and discarded batches or events,
 * each described for the pipeline's failure policy.
 *
 * @param scope - the pipeline construct
 * @param options - the monitored resources, the pipeline name, the lag threshold and the policy
 */
export function createPipelineAlarms(scope: Construct, options: PipelineAlarmsOptions): PipelineAlarms {
  const { lambdaFunction, deadLetterQueue, iteratorAgeThreshold } = options;
  const kind = options.sourceKind ?? 'kinesis';
  const descriptions = descriptionsFor(
    kind,
    options.failurePolicy ?? DEFAULT_FAILURE_POLICY[kind],
    options.pipelineName,
  );
  const iteratorAge =
    iteratorAgeThreshold === undefined
      ? undefined
      : new cloudwatch.Alarm(scope, 'IteratorAgeAlarm', {
          alarmDescription: descriptions.iteratorAge(iteratorAgeThreshold.toHumanString()),
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
  const failedBatches = alarmOnAny(
    scope,
    'FailedBatchesAlarm',
    descriptions.failedBatches,
    sparklessMetric(options.pipelineName, SparklessMetric.FAILED_BATCHES, {
      statistic: cloudwatch.Stats.SUM,
      period: StreamingPipelineDefaults.FAILED_BATCHES_ALARM_PERIOD,
    }),
    StreamingPipelineDefaults.FAILED_BATCHES_ALARM_THRESHOLD,
  );
  const errors = alarmOnAny(
    scope,
    'ErrorsAlarm',
    descriptions.errors,
    lambdaFunction.metricErrors({ statistic: cloudwatch.Stats.SUM, period: Duration.minutes(5) }),
    1,
  );
  const discarded = alarmOnAny(
    scope,
    'DeadLetterQueueAlarm',
    descriptions.discarded,
    deadLetterQueue.metricApproximateNumberOfMessagesVisible({
      statistic: cloudwatch.Stats.MAXIMUM,
      period: Duration.minutes(5),
    }),
    1,
  );
  const deadLetters = alarmOnAny(
    scope,
    'DeadLettersAlarm',
    descriptions.deadLetters,
    sparklessMetric(options.pipelineName, SparklessMetric.DEAD_LETTERS, {
      statistic: cloudwatch.Stats.SUM,
      period: Duration.minutes(5),
    }),
    1,
  );
  return {
    ...(iteratorAge === undefined ? {} : { iteratorAge }),
    failedBatches,
    errors,
    deadLetterQueue: discarded,
    deadLetters,
  };
}

/**
 * An alarm that fires when `metric` reaches `threshold` within one period (missing data is fine):
 * the shape of every "this must never happen" alarm of a pipeline.
 */
function alarmOnAny(
  scope: Construct,
  id: string,
  alarmDescription: string,
  metric: cloudwatch.IMetric,
  threshold: number,
): cloudwatch.Alarm {
  return new cloudwatch.Alarm(scope, id, {
    alarmDescription,
    metric,
    threshold,
    comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
    evaluationPeriods: 1,
    treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
  });
}
