import { describe, expect, it } from 'vitest';
import { type BatchMeasurements, buildFailureEvent, buildProgress } from './build-progress';

const T0 = Date.parse('2026-01-02T03:04:05.000Z');

function measurements(overrides: Partial<BatchMeasurements> = {}): BatchMeasurements {
  return {
    pipeline: 'stateful-word-count',
    namespace: 'prod',
    runId: '42',
    sourceDescription: 'kinesis[stream=orders, shard=shardId-000000000003]',
    outputs: ['print', 'foreachBatch'],
    partition: '0123456789ab.3',
    batchNumber: 7,
    batchTime: T0,
    firstOffset: '100',
    lastOffset: '150',
    numInputRows: 40,
    minArrivalTime: T0 - 1_500,
    previousCommitAt: T0 - 2_000,
    replayed: false,
    deadLetters: 2,
    durations: { ledger: 10, walCommit: 20, evaluate: 100, state: 60, outputs: 30, triggerExecution: 200 },
    maxEventTime: T0 - 5_000,
    watermark: T0 - 60_000,
    stateOperators: [
      {
        operatorName: 'updateStateByKey',
        operatorId: 'counts',
        numRowsUpdated: 5,
        numRowsRemoved: 1,
        numRowsDroppedByWatermark: 0,
        conflicts: 3,
      },
    ],
    ...overrides,
  };
}

describe('Function: buildProgress', () => {
  it("builds Spark's StreamingQueryProgress shape from what the executor measured", () => {
    // Act
    const progress = buildProgress(measurements());

    // Assess
    expect(progress).toEqual({
      id: 'stateful-word-count@prod',
      runId: '42',
      name: 'stateful-word-count',
      timestamp: '2026-01-02T03:04:05.000Z',
      batchId: 7,
      numInputRows: 40,
      inputRowsPerSecond: 20,
      processedRowsPerSecond: 200,
      durationMs: { ledger: 10, walCommit: 20, evaluate: 100, state: 60, outputs: 30, triggerExecution: 200 },
      eventTime: { max: '2026-01-02T03:04:00.000Z', watermark: '2026-01-02T03:03:05.000Z' },
      stateOperators: measurements().stateOperators,
      sources: [
        {
          description: 'kinesis[stream=orders, shard=shardId-000000000003]',
          startOffset: '100',
          endOffset: '150',
          numInputRows: 40,
          inputRowsPerSecond: 20,
          processedRowsPerSecond: 200,
        },
      ],
      sink: { description: 'print, foreachBatch', numOutputRows: -1 },
      partition: '0123456789ab.3',
      replayed: false,
      deadLetters: 2,
      schedulingDelayMs: 1_500,
    });
  });

  it('leaves out rates without a time base and event times it does not know, as Spark leaves out NaN', () => {
    // Act
    const progress = buildProgress(
      measurements({
        previousCommitAt: undefined,
        durations: { ledger: 0, walCommit: 0, evaluate: 0, state: 0, outputs: 0, triggerExecution: 0 },
        maxEventTime: undefined,
        watermark: Number.NEGATIVE_INFINITY,
      }),
    );

    // Assess
    expect(progress).not.toHaveProperty('inputRowsPerSecond');
    expect(progress).not.toHaveProperty('processedRowsPerSecond');
    expect(progress.sources[0]).not.toHaveProperty('inputRowsPerSecond');
    expect(progress.eventTime).toEqual({});
    expect(JSON.parse(JSON.stringify(progress))).toEqual(progress);
  });

  it('never reports a negative scheduling delay (a record stamped after the claim by a skewed clock)', () => {
    expect(buildProgress(measurements({ minArrivalTime: T0 + 10 })).schedulingDelayMs).toBe(0);
  });
});

describe('Function: buildFailureEvent', () => {
  it('carries the query identity, the partition and the error code', () => {
    // Act
    const event = buildFailureEvent({
      pipeline: 'p',
      namespace: 'ns',
      runId: '3',
      partition: 'a.1',
      time: T0,
      errorCode: 'STATE_CONFLICT',
      message: 'boom',
    });

    // Assess
    expect(event).toEqual({
      id: 'p@ns',
      runId: '3',
      name: 'p',
      timestamp: '2026-01-02T03:04:05.000Z',
      partition: 'a.1',
      errorCode: 'STATE_CONFLICT',
      message: 'boom',
    });
  });
});
