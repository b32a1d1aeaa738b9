import { Match, type Template } from 'aws-cdk-lib/assertions';
import * as sns from 'aws-cdk-lib/aws-sns';
import { beforeAll, describe, expect, it } from 'vitest';
import { EmfMetricsSink, SparklessMetric } from '../lib/metrics/batch-metrics';
import { type SynthesizedPipeline, synthesizePipeline, textFilesPlanFactory } from './support';

/** One metric line of a dashboard widget: `[namespace, name, dimension, value, ..., { options }]`. */
type DashboardMetric = readonly unknown[];

interface DashboardWidget {
  readonly type: string;
  readonly properties: {
    readonly title?: string;
    readonly metrics?: readonly DashboardMetric[];
    readonly alarms?: readonly unknown[];
  };
}

/**
 * The dashboard's widgets. Its body is a `Fn::Join` of JSON text and tokens (refs); every token sits
 * inside a JSON string, so a placeholder string keeps the text parseable.
 */
function dashboardWidgets(template: Template): DashboardWidget[] {
  const dashboards = Object.values(template.findResources('AWS::CloudWatch::Dashboard'));
  expect(dashboards).toHaveLength(1);
  const body: unknown = dashboards[0]?.Properties?.DashboardBody;
  const parts =
    typeof body === 'string' ? [body] : ((body as { 'Fn::Join': [string, unknown[]] })['Fn::Join'][1] ?? []);
  const text = parts.map((part) => (typeof part === 'string' ? part : 'TOKEN')).join('');
  return (JSON.parse(text) as { widgets: DashboardWidget[] }).widgets;
}

/** `namespace/name` of every metric the dashboard charts. */
function chartedMetrics(widgets: readonly DashboardWidget[]): string[] {
  return widgets.flatMap((widget) =>
    (widget.properties.metrics ?? []).map((metric) => `${String(metric[0])}/${String(metric[1])}`),
  );
}

/** `namespace/name` of every metric the handlers' EMF lines declare (batches, failures, envelopes). */
function emittedSparklessMetrics(): Set<string> {
  const lines: string[] = [];
  const sink = new EmfMetricsSink((line) => lines.push(line));
  sink.record({
    pipeline: 'p',
    partition: 'shard-0',
    batchId: 'b',
    batchTime: 0,
    records: 1,
    deadLetters: 0,
    lateRecords: 0,
    replayed: false,
    stateWrites: 0,
    stateConflicts: 0,
    processingTimeMs: 1,
    schedulingDelayMs: 1,
  });
  sink.recordFailure({ pipeline: 'p', partition: 'shard-0', records: 1, errorCode: 'E', time: 0 });
  sink.recordEnvelopes({ pipeline: 'p', time: 0, deadLetters: 1 });
  const names = lines.flatMap((line) => {
    const { _aws } = JSON.parse(line) as {
      _aws: { CloudWatchMetrics: Array<{ Namespace: string; Metrics: Array<{ Name: string }> }> };
    };
    return _aws.CloudWatchMetrics.flatMap(({ Namespace, Metrics }) =>
      Metrics.map(({ Name }) => `${Namespace}/${Name}`),
    );
  });
  return new Set(names);
}

describe('Construct: StreamingPipeline (alarm topic, dashboard, event source metrics)', () => {
  describe('Given the default props', () => {
    let synthesized: SynthesizedPipeline;
    let template: Template;
    let topicRef: unknown;

    beforeAll(() => {
      // GIVEN a Kinesis plan, WHEN the pipeline is synthesized with no alarm prop
      synthesized = synthesizePipeline({}, undefined, { bundling: false });
      template = synthesized.template;
      topicRef = synthesized.stack.resolve(synthesized.pipeline.alarmTopic.topicArn);
    });

    it('creates one SSL-only alarm topic encrypted with a rotated customer-managed key CloudWatch may use', () => {
      // THEN
      template.resourceCountIs('AWS::SNS::Topic', 1);
      template.hasResourceProperties('AWS::SNS::Topic', {
        KmsMasterKeyId: { 'Fn::GetAtt': [Match.stringLikeRegexp('AlarmTopicKey'), 'Arn'] },
      });
      template.hasResourceProperties('AWS::KMS::Key', {
        EnableKeyRotation: true,
        KeyPolicy: {
          Statement: Match.arrayWith([
            Match.objectLike({
              Effect: 'Allow',
              Principal: { Service: 'cloudwatch.amazonaws.com' },
              Action: ['kms:Decrypt', 'kms:GenerateDataKey*'],
            }),
          ]),
        },
      });
      template.hasResourceProperties('AWS::SNS::TopicPolicy', {
        PolicyDocument: {
          Statement: Match.arrayWith([
            Match.objectLike({
              Effect: 'Deny',
              Action: 'sns:Publish',
              Condition: { Bool: { 'aws:SecureTransport': 'false' } },
            }),
          ]),
        },
      });
    });

    it('sends ALARM and OK of every alarm to the topic', () => {
      // THEN
      const alarms = Object.values(template.findResources('AWS::CloudWatch::Alarm'));
      expect(alarms).toHaveLength(5);
      for (const alarm of alarms) {
        expect(alarm.Properties.AlarmActions).toEqual([topicRef]);
        expect(alarm.Properties.OKActions).toEqual([topicRef]);
      }
    });

    it('subscribes nobody', () => {
      // THEN
      template.resourceCountIs('AWS::SNS::Subscription', 0);
    });

    it("enables the event source mapping's EventCount metrics", () => {
      // THEN
      template.hasResourceProperties('AWS::Lambda::EventSourceMapping', {
        MetricsConfig: { Metrics: ['EventCount'] },
      });
    });

    it('creates a dashboard with rates, batch duration p50/p99, delay, state, dead letters, late records, failed batches and alarms', () => {
      // WHEN
      const widgets = dashboardWidgets(template);
      // THEN
      const byTitle = new Map(widgets.map((widget) => [widget.properties.title, widget]));
      const widget = (title: string): DashboardWidget => {
        const found = byTitle.get(title);
        if (found === undefined) throw new Error(`no widget titled ${title}`);
        return found;
      };
      expect([...byTitle.keys()]).toEqual([
        'Input rate vs processed rate (records/minute)',
        'Batch duration (ms)',
        'Scheduling delay and iterator age (ms)',
        'State writes and conflicts',
        'Dead letters, late records, failed batches',
        'Alarms',
      ]);
      expect(chartedMetrics([widget('Input rate vs processed rate (records/minute)')])).toEqual([
        'AWS/Kinesis/IncomingRecords',
        'Sparkless/Records',
      ]);
      const duration = widget('Batch duration (ms)').properties.metrics ?? [];
      expect(duration.map((metric) => metric.at(-1))).toEqual([
        expect.objectContaining({ stat: 'p50' }),
        expect.objectContaining({ stat: 'p99' }),
      ]);
      expect(chartedMetrics([widget('Scheduling delay and iterator age (ms)')])).toEqual([
        'Sparkless/SchedulingDelay',
        'AWS/Lambda/IteratorAge',
      ]);
      expect(chartedMetrics([widget('Dead letters, late records, failed batches')])).toEqual([
        'Sparkless/DeadLetters',
        'Sparkless/LateRecords',
        'Sparkless/FailedBatches',
      ]);
      expect(widget('Alarms').properties.alarms).toHaveLength(5);
    });

    it('charts and alarms only on Sparkless metrics the handlers emit, by pipeline', () => {
      // GIVEN the metric names the handlers' EMF lines declare
      const emitted = emittedSparklessMetrics();
      // WHEN
      const widgets = dashboardWidgets(template);
      const charted = chartedMetrics(widgets).filter((name) =>
        name.startsWith(`${SparklessMetric.NAMESPACE}/`),
      );
      const alarmed = Object.values(template.findResources('AWS::CloudWatch::Alarm'))
        .filter((alarm) => alarm.Properties.Namespace === SparklessMetric.NAMESPACE)
        .map((alarm) => `${String(alarm.Properties.Namespace)}/${String(alarm.Properties.MetricName)}`);
      // THEN
      expect(charted.length).toBeGreaterThanOrEqual(8);
      expect(charted.filter((name) => !emitted.has(name))).toEqual([]);
      expect(alarmed.filter((name) => !emitted.has(name))).toEqual([]);
      for (const metric of widgets.flatMap((widget) => widget.properties.metrics ?? [])) {
        if (metric[0] === SparklessMetric.NAMESPACE) {
          expect(metric.slice(2, 4)).toEqual([SparklessMetric.PIPELINE_DIMENSION, 'test-word-count']);
        }
      }
    });
  });

  describe('Given an alarm email', () => {
    it('subscribes the address to the created topic', () => {
      // GIVEN / WHEN
      const { template, stack, pipeline } = synthesizePipeline(
        { alarmEmail: 'oncall@example.com' },
        undefined,
        {
          bundling: false,
        },
      );
      // THEN
      template.resourceCountIs('AWS::SNS::Subscription', 1);
      template.hasResourceProperties('AWS::SNS::Subscription', {
        Protocol: 'email',
        Endpoint: 'oncall@example.com',
        TopicArn: stack.resolve(pipeline.alarmTopic.topicArn),
      });
    });
  });

  describe('Given an existing alarm topic', () => {
    const topicArn = 'arn:aws:sns:eu-west-1:123456789012:team-alarms';
    let template: Template;

    beforeAll(() => {
      // GIVEN an imported topic and an email, WHEN the pipeline is synthesized
      ({ template } = synthesizePipeline(
        { alarmEmail: 'oncall@example.com' },
        (stack) => ({ alarmTopic: sns.Topic.fromTopicArn(stack, 'Team', topicArn) }),
        { bundling: false },
      ));
    });

    it('creates no topic and no key', () => {
      // THEN
      template.resourceCountIs('AWS::SNS::Topic', 0);
      template.resourceCountIs('AWS::KMS::Key', 0);
    });

    it('sends ALARM and OK of every alarm to the given topic and subscribes the email there', () => {
      // THEN
      const alarms = Object.values(template.findResources('AWS::CloudWatch::Alarm'));
      expect(alarms).toHaveLength(5);
      for (const alarm of alarms) {
        expect(alarm.Properties.AlarmActions).toEqual([topicArn]);
        expect(alarm.Properties.OKActions).toEqual([topicArn]);
      }
      template.hasResourceProperties('AWS::SNS::Subscription', { TopicArn: topicArn, Protocol: 'email' });
    });
  });

  describe('Given a text-file plan', () => {
    it('charts no stream input or iterator age and wires every alarm to the topic', () => {
      // GIVEN / WHEN
      const { template, stack, pipeline } = synthesizePipeline({ plan: textFilesPlanFactory() }, undefined, {
        bundling: false,
      });
      const widgets = dashboardWidgets(template);
      // THEN
      const charted = chartedMetrics(widgets);
      expect(charted).toContain('Sparkless/Records');
      expect(charted).not.toContain('AWS/Kinesis/IncomingRecords');
      expect(charted).not.toContain('AWS/Lambda/IteratorAge');
      template.resourceCountIs('AWS::Lambda::EventSourceMapping', 0);
      const topicRef = stack.resolve(pipeline.alarmTopic.topicArn);
      const alarms = Object.values(template.findResources('AWS::CloudWatch::Alarm'));
      expect(alarms).toHaveLength(4);
      for (const alarm of alarms) {
        expect(alarm.Properties.OKActions).toEqual([topicRef]);
      }
    });
  });
});
