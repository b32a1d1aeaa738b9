import { Duration } from 'aws-cdk-lib';
import { Match, type Template } from 'aws-cdk-lib/assertions';
import { beforeAll, describe, expect, it } from 'vitest';
import { FailurePolicy, type StreamingPipelineProps } from '../cdk/streaming-pipeline';
import { SparklessMetric } from '../lib/metrics';
import { planFactory, synthesizePipeline, textFilesPlanFactory } from './support';

const NO_BUNDLING = { bundling: false } as const;

/** The synthesized template of a pipeline with `props`, without bundling the handler. */
function templateOf(props: Partial<StreamingPipelineProps> = {}): Template {
  return synthesizePipeline(props, undefined, NO_BUNDLING).template;
}

/** Every alarm description of the template. */
function alarmDescriptions(template: Template): string[] {
  const alarms = template.findResources('AWS::CloudWatch::Alarm') as Record<
    string,
    { Properties: { AlarmDescription?: string } }
  >;
  return Object.values(alarms).map((alarm) => alarm.Properties.AlarmDescription ?? '');
}

describe('Construct: StreamingPipeline, failure policy', () => {
  describe('Given a stateful Kinesis pipeline with the default failure policy', () => {
    let template: Template;

    beforeAll(() => {
      // GIVEN the default props, WHEN synthesized
      template = templateOf();
    });

    it('never discards a failed batch: infinite retries and no maximum record age', () => {
      // THEN
      template.hasResourceProperties('AWS::Lambda::EventSourceMapping', {
        MaximumRetryAttempts: -1,
        MaximumRecordAgeInSeconds: Match.absent(),
        BisectBatchOnFunctionError: true,
        FunctionResponseTypes: ['ReportBatchItemFailures'],
      });
    });

    it('alarms while blocked: failed partition batches from the handler, and the iterator age', () => {
      // THEN
      template.hasResourceProperties('AWS::CloudWatch::Alarm', {
        Namespace: SparklessMetric.NAMESPACE,
        MetricName: SparklessMetric.FAILED_BATCHES,
        Dimensions: [{ Name: SparklessMetric.PIPELINE_DIMENSION, Value: 'test-word-count' }],
        Statistic: 'Sum',
        Threshold: 1,
        ComparisonOperator: 'GreaterThanOrEqualToThreshold',
        AlarmDescription: Match.stringLikeRegexp('blocked'),
      });
      template.hasResourceProperties('AWS::CloudWatch::Alarm', {
        MetricName: 'IteratorAge',
        AlarmDescription: Match.stringLikeRegexp('block'),
      });
    });

    it('promises nothing impossible in any alarm description', () => {
      // THEN
      const descriptions = alarmDescriptions(template);
      expect(descriptions.length).toBeGreaterThanOrEqual(4);
      for (const description of descriptions) {
        expect(description).not.toMatch(/re-read it from the stream/);
        expect(description.length).toBeLessThanOrEqual(1024);
      }
      expect(descriptions.join('\n')).toMatch(/expired from the stream/);
    });
  });

  describe('Given a stateless Kinesis pipeline with the default failure policy', () => {
    it('blocks too: a failed batch is never skipped by default', () => {
      // GIVEN a plan without state, WHEN synthesized
      const template = templateOf({
        plan: planFactory({ statefulOperators: [], needsStateStore: false }),
      });

      // THEN
      template.hasResourceProperties('AWS::Lambda::EventSourceMapping', {
        MaximumRetryAttempts: -1,
        MaximumRecordAgeInSeconds: Match.absent(),
      });
    });
  });

  describe('Given FailurePolicy.DiscardAndRecover', () => {
    let template: Template;

    beforeAll(() => {
      // GIVEN the opt-in discard policy, WHEN synthesized
      template = templateOf({ failurePolicy: FailurePolicy.DiscardAndRecover });
    });

    it('bounds retries and record age, then sends a pointer to the on-failure queue', () => {
      // THEN
      template.hasResourceProperties('AWS::Lambda::EventSourceMapping', {
        MaximumRetryAttempts: 10,
        MaximumRecordAgeInSeconds: 86_400,
        DestinationConfig: { OnFailure: { Destination: Match.anyValue() } },
      });
    });

    it('tells the operator to run sparkless recover when a batch was discarded', () => {
      // THEN
      template.hasResourceProperties('AWS::CloudWatch::Alarm', {
        MetricName: 'ApproximateNumberOfMessagesVisible',
        AlarmDescription: Match.stringLikeRegexp('npx sparkless recover test-word-count'),
      });
    });

    it('takes explicit retry bounds', () => {
      // GIVEN explicit bounds, WHEN synthesized
      const bounded = templateOf({
        failurePolicy: FailurePolicy.DiscardAndRecover,
        retryAttempts: 2,
        maxRecordAge: Duration.minutes(10),
      });

      // THEN
      bounded.hasResourceProperties('AWS::Lambda::EventSourceMapping', {
        MaximumRetryAttempts: 2,
        MaximumRecordAgeInSeconds: 600,
      });
    });
  });

  describe('Given a text-file pipeline', () => {
    it('defaults to DiscardAndRecover: Lambda retries asynchronous invocations at most twice', () => {
      // GIVEN the default props, WHEN synthesized
      const template = templateOf({ plan: textFilesPlanFactory() });

      // THEN
      template.hasResourceProperties('AWS::Lambda::EventInvokeConfig', {
        MaximumRetryAttempts: 2,
        MaximumEventAgeInSeconds: 21_600,
      });
      template.hasResourceProperties('AWS::CloudWatch::Alarm', {
        MetricName: 'ApproximateNumberOfMessagesVisible',
        AlarmDescription: Match.stringLikeRegexp('npx sparkless recover test-file-word-count'),
      });
      template.hasResourceProperties('AWS::CloudWatch::Alarm', {
        MetricName: SparklessMetric.FAILED_BATCHES,
      });
    });
  });
});
