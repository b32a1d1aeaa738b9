import { Duration } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import type * as kinesis from 'aws-cdk-lib/aws-kinesis';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import type { Construct } from 'constructs';
import { SparklessMetric } from '../../lib/metrics/batch-metrics';
import { allAlarms, type PipelineAlarms, sparklessMetric } from './alarms';

/** Options of {@link createPipelineDashboard}. */
export interface PipelineDashboardOptions {
  /** The pipeline (plan) name: the `Pipeline` dimension of the handlers' metrics. */
  readonly pipelineName: string;
  /** The pipeline's function. */
  readonly lambdaFunction: lambda.IFunction;
  /** The alarms, shown with their state. */
  readonly alarms: PipelineAlarms;
  /**
   * The source stream, for the input rate (`IncomingRecords`) and the iterator age.
   *
   * @default no input-rate or iterator-age line (text-file pipelines)
   */
  readonly stream?: kinesis.IStream;
}

const PERIOD = Duration.minutes(1);
const WIDTH = 12;

/**
 * Creates the pipeline's CloudWatch dashboard (Spark's streaming tab): input rate against processed
 * rate, batch duration p50/p99, scheduling delay and iterator age, state writes and conflicts, dead
 * letters, late records, failed batches, and the alarms. Every Sparkless metric shown is one the
 * handlers write in their EMF lines (`EmfMetricsSink`).
 *
 * @param scope - the pipeline construct
 * @param options - the pipeline name, function, alarms and stream
 */
export function createPipelineDashboard(
  scope: Construct,
  options: PipelineDashboardOptions,
): cloudwatch.Dashboard {
  const { pipelineName, lambdaFunction, alarms, stream } = options;
  const sum = (metricName: string, label: string) =>
    sparklessMetric(pipelineName, metricName, { statistic: cloudwatch.Stats.SUM, period: PERIOD, label });
  const processingTime = (statistic: string, label: string) =>
    sparklessMetric(pipelineName, SparklessMetric.PROCESSING_TIME, { statistic, period: PERIOD, label });

  const rates = new cloudwatch.GraphWidget({
    title: 'Input rate vs processed rate (records/minute)',
    width: WIDTH,
    left: [
      ...(stream === undefined
        ? []
        : [
            stream.metricIncomingRecords({ statistic: cloudwatch.Stats.SUM, period: PERIOD, label: 'Input' }),
          ]),
      sum(SparklessMetric.RECORDS, 'Processed'),
    ],
  });
  const duration = new cloudwatch.GraphWidget({
    title: 'Batch duration (ms)',
    width: WIDTH,
    left: [processingTime(cloudwatch.Stats.p(50), 'p50'), processingTime(cloudwatch.Stats.p(99), 'p99')],
  });
  const delay = new cloudwatch.GraphWidget({
    title: stream === undefined ? 'Scheduling delay (ms)' : 'Scheduling delay and iterator age (ms)',
    width: WIDTH,
    left: [
      sparklessMetric(pipelineName, SparklessMetric.SCHEDULING_DELAY, {
        statistic: cloudwatch.Stats.MAXIMUM,
        period: PERIOD,
        label: 'Scheduling delay (max)',
      }),
      ...(stream === undefined
        ? []
        : [
            lambdaFunction.metric('IteratorAge', {
              statistic: cloudwatch.Stats.MAXIMUM,
              period: PERIOD,
              label: 'Iterator age (max)',
            }),
          ]),
    ],
  });
  const state = new cloudwatch.GraphWidget({
    title: 'State writes and conflicts',
    width: WIDTH,
    left: [sum(SparklessMetric.STATE_WRITES, 'Writes')],
    right: [sum(SparklessMetric.STATE_CONFLICTS, 'Conflicts')],
  });
  const problems = new cloudwatch.GraphWidget({
    title: 'Dead letters, late records, failed batches',
    width: WIDTH,
    left: [
      sum(SparklessMetric.DEAD_LETTERS, 'Dead letters'),
      sum(SparklessMetric.LATE_RECORDS, 'Late records'),
      sum(SparklessMetric.FAILED_BATCHES, 'Failed batches'),
    ],
  });
  const status = new cloudwatch.AlarmStatusWidget({
    title: 'Alarms',
    width: WIDTH,
    alarms: allAlarms(alarms),
  });
  return new cloudwatch.Dashboard(scope, 'Dashboard', {
    widgets: [
      [rates, duration],
      [delay, state],
      [problems, status],
    ],
  });
}
