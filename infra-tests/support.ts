import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { App, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { LogLevel } from 'aws-cdk-lib/aws-lambda-nodejs';
import { StreamingPipeline, type StreamingPipelineProps } from '../cdk/streaming-pipeline';
import type { PipelinePlan } from '../lib/core/plan/types';

/** The project root. */
export const PROJECT_ROOT = path.join(__dirname, '..');

/** A stand-in handler: construct tests assert the template, so any small bundle will do. */
export const FIXTURE_ENTRY = path.join(__dirname, 'fixtures', 'handler.ts');

/** The context flags of `cdk.json`, so tests synthesize with the same feature flags as the app. */
export function cdkJsonContext(): Record<string, unknown> {
  const cdkJson: unknown = JSON.parse(readFileSync(path.join(PROJECT_ROOT, 'cdk.json'), 'utf8'));
  if (typeof cdkJson !== 'object' || cdkJson === null || !('context' in cdkJson)) return {};
  const { context } = cdkJson;
  return typeof context === 'object' && context !== null ? { ...context } : {};
}

/** Options of {@link newTestStack}. */
export interface TestStackOptions {
  /**
   * Run CDK's built-in CloudFormation validation at synth (about 4 s per synth, for the WASM engine).
   *
   * @default false
   */
  readonly cloudFormationValidation?: boolean;
}

/** A stack in a fresh app with the `cdk.json` feature flags. */
export function newTestStack(options: TestStackOptions = {}): Stack {
  const app = new App({
    context: cdkJsonContext(),
    builtinCloudFormationValidation: options.cloudFormationValidation ?? false,
  });
  return new Stack(app, 'TestStack');
}

/** A pipeline plan literal, as `pipeline.plan` returns it. */
export function planFactory(overrides: Partial<PipelinePlan> = {}): PipelinePlan {
  return {
    name: 'test-word-count',
    source: { kind: 'kinesis' },
    references: [],
    textFilePrefixes: [],
    statefulOperators: [{ id: 'word-counts', kind: 'updateStateByKey' }],
    fingerprint: 'f1ngerpr1nt',
    needsStateStore: true,
    needsWindowTrigger: false,
    outputs: ['print'],
    ...overrides,
  };
}

/** The plan of a text-file pipeline (`fromTextFiles({ prefix })`), per-batch counts, no state. */
export function textFilesPlanFactory(overrides: Partial<PipelinePlan> = {}): PipelinePlan {
  return planFactory({
    name: 'test-file-word-count',
    source: { kind: 'text-files', prefix: 'input/' },
    statefulOperators: [],
    needsStateStore: false,
    ...overrides,
  });
}

/** Props of a pipeline on the fixture handler, with overrides. */
export function pipelinePropsFactory(
  overrides: Partial<StreamingPipelineProps> = {},
): StreamingPipelineProps {
  return {
    plan: planFactory(),
    entry: FIXTURE_ENTRY,
    depsLockFilePath: path.join(PROJECT_ROOT, 'package-lock.json'),
    bundling: { logLevel: LogLevel.WARNING },
    ...overrides,
  };
}

/** A synthesized pipeline: its stack, the construct and the template. */
export interface SynthesizedPipeline {
  readonly stack: Stack;
  readonly pipeline: StreamingPipeline;
  readonly template: Template;
}

/** Creates a pipeline in a fresh stack and synthesizes it once. */
export function synthesizePipeline(
  overrides: Partial<StreamingPipelineProps> = {},
  configure?: (stack: Stack) => Partial<StreamingPipelineProps>,
): SynthesizedPipeline {
  const stack = newTestStack();
  const pipeline = new StreamingPipeline(
    stack,
    'Pipeline',
    pipelinePropsFactory({ ...overrides, ...configure?.(stack) }),
  );
  return { stack, pipeline, template: Template.fromStack(stack) };
}

/** Runs `act` and returns what it threw (fails the test if it did not throw). */
export function thrownBy(act: () => unknown): unknown {
  try {
    act();
  } catch (error) {
    return error;
  }
  throw new Error('expected the action to throw, but it returned');
}
