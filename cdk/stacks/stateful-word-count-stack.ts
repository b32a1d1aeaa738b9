import * as path from 'node:path';
import { CfnOutput, Stack, type StackProps } from 'aws-cdk-lib';
import type { Construct } from 'constructs';
import { statefulWordCount } from '../../functions/pipelines/stateful-word-count';
import { StreamingPipeline, type StreamingPipelineProps } from '../streaming-pipeline';

/** The project root, two levels above this file (`cdk/stacks/`). */
const PROJECT_ROOT = path.join(__dirname, '..', '..');

/** The Lambda entry point of the stateful word count pipeline. */
export const STATEFUL_WORD_COUNT_ENTRY = path.join(
  PROJECT_ROOT,
  'functions',
  'stateful-word-count',
  'handler.ts',
);

/** Props of {@link SparklessStatefulWordCountStack}. */
export interface SparklessStatefulWordCountStackProps extends StackProps {
  /**
   * Overrides of the pipeline's props; the plan and the handler entry are fixed by the stack.
   *
   * @default - the {@link StreamingPipeline} defaults
   */
  readonly pipeline?: Omit<StreamingPipelineProps, 'plan' | 'entry'>;
}

/**
 * The seed's stateful word count (`UpdateStateByKeyWordCount`) as a deployable stack: a Kinesis
 * stream of text lines, the Lambda function that counts words exactly once into DynamoDB, and the
 * checkpoint bucket. Outputs name the resources for producers, the local runner and tests.
 *
 * @example
 * new SparklessStatefulWordCountStack(app, 'SparklessStatefulWordCount', {
 *   pipeline: { codeVersion: 'abc1234', batchSize: 500 },
 * });
 */
export class SparklessStatefulWordCountStack extends Stack {
  /** The pipeline construct. */
  public readonly pipeline: StreamingPipeline;

  public constructor(scope: Construct, id: string, props: SparklessStatefulWordCountStackProps = {}) {
    super(scope, id, {
      description: 'Sparkless: stateful word count (Kinesis -> Lambda -> DynamoDB state, S3 checkpoints)',
      ...props,
    });
    this.pipeline = new StreamingPipeline(this, 'StatefulWordCount', {
      depsLockFilePath: path.join(PROJECT_ROOT, 'package-lock.json'),
      ...props.pipeline,
      plan: statefulWordCount.plan,
      entry: STATEFUL_WORD_COUNT_ENTRY,
    });

    const { stream } = this.pipeline;
    if (stream !== undefined) new CfnOutput(this, 'StreamName', { value: stream.streamName });
    new CfnOutput(this, 'FunctionName', { value: this.pipeline.lambdaFunction.functionName });
    new CfnOutput(this, 'StateTableName', { value: this.pipeline.stateTable.tableName });
    new CfnOutput(this, 'CheckpointBucketName', { value: this.pipeline.checkpointBucket.bucketName });
    new CfnOutput(this, 'DeadLetterQueueUrl', { value: this.pipeline.deadLetterQueue.queueUrl });
  }
}
