import { CfnOutput, Stack, type StackProps } from 'aws-cdk-lib';
import type { Construct } from 'constructs';
import { withPipelineBucket } from '../../lib/core/reference/reference-data';
import { StreamingPipeline, type StreamingPipelineProps } from '../streaming-pipeline';
import { pascalCase, PipelineStackOutput } from './stack-names';

export { pascalCase, PipelineStackOutput } from './stack-names';

/** Props of {@link SparklessPipelineStack}. */
export interface SparklessPipelineStackProps extends StackProps {
  /** The props of the stack's {@link StreamingPipeline}: plan, handler entry and any other prop. */
  readonly pipeline: StreamingPipelineProps;

  /**
   * The construct id of the pipeline inside the stack (it prefixes every logical id).
   *
   * @default - the plan name in PascalCase, e.g. `StatefulWordCount`
   */
  readonly pipelineId?: string;
}

/**
 * One Sparkless pipeline as a deployable stack: the {@link StreamingPipeline} and outputs naming
 * what producers, uploaders, the local runner and tests need (the stream or the input bucket and
 * prefix, the function, the state table, the checkpoint bucket, the dead-letter queue, the result
 * table, and where each reference data source lives).
 *
 * @example
 * new SparklessPipelineStack(app, 'SparklessStatefulWordCount', {
 *   pipeline: {
 *     plan: statefulWordCount.plan,
 *     entry: path.join(__dirname, '../../functions/stateful-word-count/handler.ts'),
 *     batchSize: 500,
 *   },
 * });
 */
export class SparklessPipelineStack extends Stack {
  /** The pipeline construct. */
  public readonly pipeline: StreamingPipeline;

  public constructor(scope: Construct, id: string, props: SparklessPipelineStackProps) {
    const { plan } = props.pipeline;
    super(scope, id, {
      description: `Sparkless: pipeline ${plan.name}`,
      ...props,
    });
    this.pipeline = new StreamingPipeline(this, props.pipelineId ?? pascalCase(plan.name), props.pipeline);

    const Output = PipelineStackOutput;
    const { stream, inputBucket, inputPrefix, resultTable, checkpointBucket } = this.pipeline;
    if (stream !== undefined) new CfnOutput(this, Output.STREAM_NAME, { value: stream.streamName });
    if (inputBucket !== undefined) {
      new CfnOutput(this, Output.INPUT_BUCKET_NAME, { value: inputBucket.bucketName });
    }
    if (inputPrefix !== undefined) new CfnOutput(this, Output.INPUT_PREFIX, { value: inputPrefix });
    new CfnOutput(this, Output.FUNCTION_NAME, { value: this.pipeline.lambdaFunction.functionName });
    new CfnOutput(this, Output.STATE_TABLE_NAME, { value: this.pipeline.stateTable.tableName });
    new CfnOutput(this, Output.STATE_NAMESPACE, { value: this.pipeline.stateNamespace });
    new CfnOutput(this, Output.CHECKPOINT_BUCKET_NAME, { value: checkpointBucket.bucketName });
    new CfnOutput(this, Output.DEAD_LETTER_QUEUE_URL, { value: this.pipeline.deadLetterQueue.queueUrl });
    if (resultTable !== undefined) {
      new CfnOutput(this, Output.RESULT_TABLE_NAME, { value: resultTable.tableName });
    }
    for (const reference of plan.references) {
      const { name } = reference;
      const source = withPipelineBucket(reference.source, checkpointBucket.bucketName);
      const id = `${Output.REFERENCE_PREFIX}${pascalCase(name)}`;
      if (source.kind === 's3-json') {
        new CfnOutput(this, `${id}Uri`, {
          description: `Where the reference data ${name} is read from (a JSON document)`,
          value: `s3://${source.bucket}/${source.key}`,
        });
      } else if (source.kind === 'dynamodb-table') {
        new CfnOutput(this, `${id}Table`, {
          description: `The table the reference data ${name} is scanned from`,
          value: source.tableName,
        });
      }
    }
  }
}
