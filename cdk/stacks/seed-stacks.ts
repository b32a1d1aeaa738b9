import * as path from 'node:path';
import type { StackProps } from 'aws-cdk-lib';
import type { Construct } from 'constructs';
import type { StreamingPipelineBaseProps } from '../streaming-pipeline';
import { SparklessPipelineStack } from './pipeline-stack';
import { pipelineStackName } from './stack-names';
import { PROJECT_ROOT, SEED_PIPELINES, type SeedPipelineName, seedEntry } from './seed-pipelines';

/** Prefix of every seed stack's name. */
export { SEED_STACK_NAME_PREFIX } from './stack-names';

/**
 * Props every seed pipeline accepts, whatever its source: the base props, minus what each seed
 * fixes (plan, entry, result table).
 */
export type CommonPipelineProps = Partial<Omit<StreamingPipelineBaseProps, 'plan' | 'entry' | 'resultTable'>>;

/** Options of {@link createSeedStacks}. */
export interface SeedStacksOptions {
  /**
   * Props applied to every seed's pipeline, e.g. `{ codeVersion }`.
   *
   * @default - the {@link StreamingPipeline} defaults and each seed's own props
   */
  readonly pipeline?: CommonPipelineProps;

  /**
   * Stack props applied to every stack (`env`, `tags`, ...).
   *
   * @default - environment-agnostic stacks
   */
  readonly stackProps?: Omit<StackProps, 'description' | 'stackName'>;
}

/** The seed stacks, by seed name. */
export type SeedStacks = { readonly [name in SeedPipelineName]: SparklessPipelineStack };

/**
 * The stack name of a seed: `Sparkless<PascalName>`, e.g. `SparklessTop3HotProduct`.
 *
 * @param name - the seed's name
 */
export function seedStackName(name: SeedPipelineName): string {
  return pipelineStackName(name);
}

/**
 * Adds one {@link SparklessPipelineStack} per seed program to `scope` (the app), each with its
 * plan, its handler (`functions/<name>/handler.ts`, bundled locally by esbuild) and what it needs
 * beyond the defaults (the two table writers' result tables).
 *
 * @example
 * const app = new App();
 * const stacks = createSeedStacks(app, { pipeline: { codeVersion: 'abc1234' } });
 * stacks['persist-word-count'].pipeline.resultTable?.grantReadData(reader);
 *
 * @param scope - the app (or a stage)
 * @param options - props shared by every pipeline and stack
 * @returns the stacks, by seed name
 */
export function createSeedStacks(scope: Construct, options: SeedStacksOptions = {}): SeedStacks {
  const entries = SEED_PIPELINES.map((seed): [SeedPipelineName, SparklessPipelineStack] => [
    seed.name,
    new SparklessPipelineStack(scope, seedStackName(seed.name), {
      ...options.stackProps,
      description: seed.description,
      pipeline: {
        depsLockFilePath: path.join(PROJECT_ROOT, 'package-lock.json'),
        ...('props' in seed ? seed.props : {}),
        ...options.pipeline,
        plan: seed.plan,
        entry: seedEntry(seed.name),
      },
    }),
  ]);
  return Object.fromEntries(entries) as SeedStacks;
}
