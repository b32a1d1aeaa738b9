export type { SparklessPipelineStackProps } from './pipeline-stack';
export { pascalCase, PipelineStackOutput, SparklessPipelineStack } from './pipeline-stack';
export type { SeedPipeline, SeedPipelineName, SeedPipelineProps } from './seed-pipelines';
export { PROJECT_ROOT, SEED_PIPELINES, seedEntry } from './seed-pipelines';
export type { CommonPipelineProps, SeedStacks, SeedStacksOptions } from './seed-stacks';
export { createSeedStacks, SEED_STACK_NAME_PREFIX, seedStackName } from './seed-stacks';
export { pipelineStackName } from './stack-names';
