import { describe, expect, it } from 'vitest';
import { EmfMetricsSink, SparklessMetric } from './batch-metrics';

describe('Class: EmfMetricsSink', () => {
  it('writes a failed batch as one FailedBatches count with its partition and error code', () => {
    // Prepare
    const lines: string[] = [];
    const sink = new EmfMetricsSink((line) => void lines.push(line));

    // Act
    sink.recordFailure({ pipeline: 'p', partition: 'a.0', time: 1_000, errorCode: 'SINK_DOWN', records: 3 });

    // Assess
    expect(lines.map((line) => JSON.parse(line))).toEqual([
      {
        _aws: {
          Timestamp: 1_000,
          CloudWatchMetrics: [
            {
              Namespace: 'Sparkless',
              Dimensions: [['Pipeline']],
              Metrics: [{ Name: SparklessMetric.FAILED_BATCHES, Unit: 'Count' }],
            },
          ],
        },
        Pipeline: 'p',
        Partition: 'a.0',
        ErrorCode: 'SINK_DOWN',
        FailedRecords: 3,
        FailedBatches: 1,
      },
    ]);
  });

  it('writes a listener that threw as one ListenerFailures count with its callback', () => {
    // Prepare
    const lines: string[] = [];
    const sink = new EmfMetricsSink((line) => void lines.push(line));

    // Act
    sink.recordListenerFailure({ pipeline: 'p', partition: 'a.0', time: 2_000, callback: 'onProgress' });

    // Assess
    const [line] = lines.map((text) => JSON.parse(text));
    expect(line._aws.CloudWatchMetrics[0].Metrics).toEqual([{ Name: 'ListenerFailures', Unit: 'Count' }]);
    expect(line).toMatchObject({
      Pipeline: 'p',
      Partition: 'a.0',
      Callback: 'onProgress',
      ListenerFailures: 1,
    });
  });
});
