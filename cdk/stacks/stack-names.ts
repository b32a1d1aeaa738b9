/**
 * Names of the pipeline stacks and their outputs, without the CDK library: the `sparkless` CLI reads
 * a deployed stack's outputs by these names.
 */

/** The prefix of every seed stack's name: `Sparkless<PascalName>`. */
export const SEED_STACK_NAME_PREFIX = 'Sparkless';

/**
 * A kebab-case or snake_case name in PascalCase, for stack names, construct ids and output ids:
 * `top3-hot-product` → `Top3HotProduct`.
 *
 * @param name - letters and digits separated by `-`, `_` or other non-alphanumerics
 */
export function pascalCase(name: string): string {
  return name
    .split(/[^A-Za-z0-9]+/)
    .filter((part) => part !== '')
    .map((part) => `${part.charAt(0).toUpperCase()}${part.slice(1)}`)
    .join('');
}

/** Ids of the stack outputs a {@link SparklessPipelineStack} may have. */
export const PipelineStackOutput = {
  /** The source stream (Kinesis pipelines). */
  STREAM_NAME: 'StreamName',
  /** The input bucket (text-file pipelines). */
  INPUT_BUCKET_NAME: 'InputBucketName',
  /** The key prefix the pipeline reads in the input bucket (text-file pipelines). */
  INPUT_PREFIX: 'InputPrefix',
  /** The pipeline's function. */
  FUNCTION_NAME: 'FunctionName',
  /** The state table. */
  STATE_TABLE_NAME: 'StateTableName',
  /** The state namespace (`SPARKLESS_STATE_NAMESPACE`). */
  STATE_NAMESPACE: 'StateNamespace',
  /** The checkpoint bucket. */
  CHECKPOINT_BUCKET_NAME: 'CheckpointBucketName',
  /** The on-failure queue. */
  DEAD_LETTER_QUEUE_URL: 'DeadLetterQueueUrl',
  /** The result table (pipelines with a `resultTable`). */
  RESULT_TABLE_NAME: 'ResultTableName',
  /** Prefix of one output per reference data source: `Reference<Name>Uri` (S3) or `Reference<Name>Table`. */
  REFERENCE_PREFIX: 'Reference',
} as const;

/**
 * The stack name the app gives a pipeline: `Sparkless<PascalName>`, e.g. `SparklessTop3HotProduct`.
 *
 * @param pipelineName - the plan name
 */
export function pipelineStackName(pipelineName: string): string {
  return `${SEED_STACK_NAME_PREFIX}${pascalCase(pipelineName)}`;
}
