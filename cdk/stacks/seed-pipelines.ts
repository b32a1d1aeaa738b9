import * as path from 'node:path';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import { fileStreamWordCount } from '../../functions/pipelines/file-stream-word-count';
import { iotDeviceCounts } from '../../functions/pipelines/iot-device-counts';
import { persistWordCount } from '../../functions/pipelines/persist-word-count';
import { statefulWordCount } from '../../functions/pipelines/stateful-word-count';
import { top3HotProduct } from '../../functions/pipelines/top3-hot-product';
import { transformBlacklist } from '../../functions/pipelines/transform-blacklist';
import { windowHotWord } from '../../functions/pipelines/window-hot-word';
import { wordCount } from '../../functions/pipelines/word-count';
import type { PipelinePlan } from '../../lib/core/plan/types';
import type { StreamingPipelineProps } from '../streaming-pipeline';

/** The project root, two levels above this file (`cdk/stacks/`). */
export const PROJECT_ROOT = path.join(__dirname, '..', '..');

/** The pipeline props a seed fixes besides its plan and handler entry (e.g. its result table's key schema). */
export type SeedPipelineProps = Omit<StreamingPipelineProps, 'plan' | 'entry'>;

/** One seed program as the app deploys it. */
export interface SeedPipeline {
  /** The plan name; the handler is `functions/<name>/handler.ts` and the stack `Sparkless<PascalName>`. */
  readonly name: string;
  /** The pipeline's plan. */
  readonly plan: PipelinePlan;
  /** The stack's description. */
  readonly description: string;
  /**
   * What the seed needs beyond the defaults.
   *
   * @default - the {@link StreamingPipeline} defaults
   */
  readonly props?: SeedPipelineProps;
}

/**
 * The seed programs, one stack each. The two table writers name their result table's key schema
 * here: it is what their `foreachBatch` rows use as `key`.
 */
export const SEED_PIPELINES = [
  {
    name: 'word-count',
    plan: wordCount.plan,
    description:
      'Sparkless: word count (Kinesis -> Lambda, per-batch counts printed, exactly once per record)',
  },
  {
    name: 'file-stream-word-count',
    plan: fileStreamWordCount.plan,
    description: 'Sparkless: file-stream word count (S3 new files -> Lambda, exactly once per file version)',
  },
  {
    name: 'stateful-word-count',
    plan: statefulWordCount.plan,
    description: 'Sparkless: stateful word count (Kinesis -> Lambda -> DynamoDB state, S3 checkpoints)',
  },
  {
    name: 'transform-blacklist',
    plan: transformBlacklist.plan,
    description:
      'Sparkless: TransformBlacklist (Kinesis ad clicks joined with an S3 blacklist, blacklisted users filtered out)',
  },
  {
    name: 'window-hot-word',
    plan: windowHotWord.plan,
    description:
      'Sparkless: WindowHotWord (top 3 search words per sliding event-time window, fired by a scheduled trigger)',
  },
  {
    name: 'persist-word-count',
    plan: persistWordCount.plan,
    description: 'Sparkless: PersistWordCount (running word counts upserted into a DynamoDB result table)',
    props: { resultTable: { partitionKey: { name: 'word', type: dynamodb.AttributeType.STRING } } },
  },
  {
    name: 'top3-hot-product',
    plan: top3HotProduct.plan,
    description:
      'Sparkless: Top3HotProduct (top 3 products per category per sliding event-time window, fired by a scheduled trigger)',
  },
  {
    name: 'iot-device-counts',
    plan: iotDeviceCounts.plan,
    description:
      'Sparkless: IoT device counts (hourly counts per action upserted into a DynamoDB result table)',
    props: {
      resultTable: {
        partitionKey: { name: 'action', type: dynamodb.AttributeType.STRING },
        sortKey: { name: 'window', type: dynamodb.AttributeType.STRING },
      },
    },
  },
] as const satisfies readonly SeedPipeline[];

/** The name of one of the {@link SEED_PIPELINES}. */
export type SeedPipelineName = (typeof SEED_PIPELINES)[number]['name'];

/**
 * The Lambda entry point of a seed: `functions/<name>/handler.ts`.
 *
 * @param name - the seed's name
 */
export function seedEntry(name: SeedPipelineName): string {
  return path.join(PROJECT_ROOT, 'functions', name, 'handler.ts');
}
