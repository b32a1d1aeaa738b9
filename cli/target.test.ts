import { describe, expect, it } from 'vitest';
import { resolveTarget, type StackOutputsReader } from './target';

/** A stack outputs reader over fixed outputs that records the stacks it was asked for. */
function outputsOf(outputs: Record<string, string>) {
  const asked: string[] = [];
  const reader: StackOutputsReader = {
    read: async (stack) => {
      asked.push(stack);
      return outputs;
    },
  };
  return { asked, reader: () => reader };
}

const STACK_OUTPUTS = {
  StateTableName: 'table-1',
  CheckpointBucketName: 'bucket-1',
  DeadLetterQueueUrl: 'https://sqs.eu-west-1.amazonaws.com/1/dlq',
  StateNamespace: 'wc-v2',
};

describe('Function: resolveTarget', () => {
  it('reads the app stack of the pipeline by its outputs', async () => {
    // Prepare
    const { asked, reader } = outputsOf(STACK_OUTPUTS);

    // Act
    const target = await resolveTarget('stateful-word-count', { region: 'eu-west-1' }, {}, reader);

    // Assess
    expect(asked).toEqual(['SparklessStatefulWordCount']);
    expect(target).toEqual({
      region: 'eu-west-1',
      source: 'stack SparklessStatefulWordCount',
      location: {
        stateTable: 'table-1',
        checkpointBucket: 'bucket-1',
        namespace: 'wc-v2',
        onFailure: { kind: 'sqs', queueUrl: 'https://sqs.eu-west-1.amazonaws.com/1/dlq' },
      },
    });
  });

  it('uses the local runner names for the embedded stack (AWS_ENDPOINT_URL), without CloudFormation', async () => {
    const { asked, reader } = outputsOf({});

    const target = await resolveTarget(
      'word-count',
      {},
      { AWS_ENDPOINT_URL: 'http://127.0.0.1:4566' },
      reader,
    );

    expect(asked).toEqual([]);
    expect(target.endpoint).toBe('http://127.0.0.1:4566');
    expect(target.location).toEqual({
      stateTable: 'sparkless-state',
      checkpointBucket: 'sparkless-checkpoints',
      namespace: 'word-count',
      onFailure: { kind: 's3', bucket: 'sparkless-checkpoints', prefix: 'on-failure/word-count/' },
    });
  });

  it('lets explicit names override the stack, and needs no stack when they are complete', async () => {
    const { asked, reader } = outputsOf(STACK_OUTPUTS);

    const target = await resolveTarget(
      'word-count',
      { stateTable: 't', checkpointBucket: 'b', onFailure: 's3://failures/word-count' },
      {},
      reader,
    );

    expect(asked).toEqual([]);
    expect(target.location).toEqual({
      stateTable: 't',
      checkpointBucket: 'b',
      namespace: 'word-count',
      onFailure: { kind: 's3', bucket: 'failures', prefix: 'word-count/' },
    });
  });

  it('names the missing outputs and the options that replace them', async () => {
    const { reader } = outputsOf({ StateTableName: 't' });

    await expect(resolveTarget('word-count', { stack: 'Other' }, {}, reader)).rejects.toThrow(
      /stack Other has no CheckpointBucketName, DeadLetterQueueUrl output: pass --state-table, --checkpoint-bucket and --queue-url/,
    );
  });

  it('refuses two on-failure destinations', async () => {
    await expect(
      resolveTarget('word-count', { queueUrl: 'q', onFailure: 's3://b/p/' }, {}, outputsOf({}).reader),
    ).rejects.toThrow(/--queue-url and --on-failure name two destinations/);
  });
});
