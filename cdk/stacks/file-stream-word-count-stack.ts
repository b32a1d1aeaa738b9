import * as path from 'node:path';
import { CfnOutput, Stack, type StackProps } from 'aws-cdk-lib';
import type { Construct } from 'constructs';
import { fileStreamWordCount } from '../../functions/pipelines/file-stream-word-count';
import { StreamingPipeline, type StreamingPipelineProps } from '../streaming-pipeline';

/** The project root, two levels above this file (`cdk/stacks/`). */
const PROJECT_ROOT = path.join(__dirname, '..', '..');

/** The Lambda entry point of the file-stream word count pipeline. */
export const FILE_STREAM_WORD_COUNT_ENTRY = path.join(
  PROJECT_ROOT,
  'functions',
  'file-stream-word-count',
  'handler.ts',
);

/** Props of {@link SparklessFileStreamWordCountStack}. */
export interface SparklessFileStreamWordCountStackProps extends StackProps {
  /**
   * Overrides of the pipeline's props; the plan and the handler entry are fixed by the stack.
   *
   * @default - the {@link StreamingPipeline} defaults (a new input bucket)
   */
  readonly pipeline?: Omit<StreamingPipelineProps, 'plan' | 'entry'>;
}

/**
 * The seed's HdfsWordCount (Spark's `textFileStream`) as a deployable stack: an input bucket whose
 * new files under `input/` invoke the Lambda function, which prints the word counts of each file's
 * lines, every file version counted exactly once, plus the state table (batch ledger) and checkpoint
 * bucket. Outputs name the resources for uploaders, the local runner and tests.
 *
 * @example
 * new SparklessFileStreamWordCountStack(app, 'SparklessFileStreamWordCount', {
 *   pipeline: { codeVersion: 'abc1234', asyncRetryAttempts: 1 },
 * });
 * // then: aws s3 cp hamlet.txt s3://<InputBucketName>/input/
 */
export class SparklessFileStreamWordCountStack extends Stack {
  /** The pipeline construct. */
  public readonly pipeline: StreamingPipeline;

  public constructor(scope: Construct, id: string, props: SparklessFileStreamWordCountStackProps = {}) {
    super(scope, id, {
      description:
        'Sparkless: file-stream word count (S3 new files -> Lambda, exactly once per file version)',
      ...props,
    });
    this.pipeline = new StreamingPipeline(this, 'FileStreamWordCount', {
      depsLockFilePath: path.join(PROJECT_ROOT, 'package-lock.json'),
      ...props.pipeline,
      plan: fileStreamWordCount.plan,
      entry: FILE_STREAM_WORD_COUNT_ENTRY,
    });

    const { inputBucket, inputPrefix } = this.pipeline;
    if (inputBucket !== undefined) new CfnOutput(this, 'InputBucketName', { value: inputBucket.bucketName });
    if (inputPrefix !== undefined) new CfnOutput(this, 'InputPrefix', { value: inputPrefix });
    new CfnOutput(this, 'FunctionName', { value: this.pipeline.lambdaFunction.functionName });
    new CfnOutput(this, 'StateTableName', { value: this.pipeline.stateTable.tableName });
    new CfnOutput(this, 'CheckpointBucketName', { value: this.pipeline.checkpointBucket.bucketName });
    new CfnOutput(this, 'DeadLetterQueueUrl', { value: this.pipeline.deadLetterQueue.queueUrl });
  }
}
