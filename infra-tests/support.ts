import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { App, Stack } from 'aws-cdk-lib';
import * as cxapi from 'aws-cdk-lib/cx-api';
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

  /**
   * Bundle the function's code with esbuild at synth. Tests that only read the template can skip it
   * (CDK's `aws:cdk:bundling-stacks` context set to none): the asset then points at the sources.
   *
   * @default true
   */
  readonly bundling?: boolean;
}

/** A stack in a fresh app with the `cdk.json` feature flags. */
export function newTestStack(options: TestStackOptions = {}): Stack {
  const app = new App({
    context: {
      ...cdkJsonContext(),
      ...(options.bundling === false ? { [cxapi.BUNDLING_STACKS]: [] } : {}),
    },
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
    progressTargets: [],
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
  options: TestStackOptions = {},
): SynthesizedPipeline {
  const stack = newTestStack(options);
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

/** One statement of an `AWS::IAM::Policy` in a template. */
export interface PolicyStatement {
  readonly Effect: string;
  readonly Action: string | readonly string[];
  readonly Resource: unknown;
  readonly Condition?: unknown;
}

/** Every statement of every `AWS::IAM::Policy` in the template. */
export function iamStatements(template: Template): PolicyStatement[] {
  const policies = template.findResources('AWS::IAM::Policy') as Record<
    string,
    { Properties: { PolicyDocument: { Statement: PolicyStatement[] } } }
  >;
  return Object.values(policies).flatMap((policy) => policy.Properties.PolicyDocument.Statement);
}

/** The statement's actions, as a list. */
export const actionsOf = (statement: PolicyStatement): readonly string[] =>
  typeof statement.Action === 'string' ? [statement.Action] : statement.Action;

/** The statement's resources, as a list. */
export const resourcesOf = (statement: PolicyStatement): readonly unknown[] =>
  Array.isArray(statement.Resource) ? statement.Resource : [statement.Resource];

/** The actions the template's policies allow on `resource` (compared as resolved JSON). */
export function actionsAllowedOn(template: Template, resource: unknown): string[] {
  const wanted = JSON.stringify(resource);
  return iamStatements(template)
    .filter((statement) => resourcesOf(statement).some((r) => JSON.stringify(r) === wanted))
    .flatMap(actionsOf);
}

/** The resources the template's policies allow `action` on. */
export function resourcesAllowedFor(template: Template, action: string): unknown[] {
  return iamStatements(template)
    .filter((statement) => actionsOf(statement).includes(action))
    .flatMap(resourcesOf);
}

/** Fails when a statement allows a wildcard action or the `*` resource, or is not an `Allow`. */
export function expectLeastPrivilege(template: Template): void {
  const statements = iamStatements(template);
  if (statements.length === 0) throw new Error('expected IAM statements in the template, found none');
  for (const statement of statements) {
    if (statement.Effect !== 'Allow') throw new Error(`unexpected effect: ${JSON.stringify(statement)}`);
    for (const action of actionsOf(statement)) {
      if (action === '*' || /^[a-z0-9-]+:\*$/.test(action)) {
        throw new Error(`wildcard action ${action} in ${JSON.stringify(statement)}`);
      }
    }
    for (const resource of resourcesOf(statement)) {
      if (resource === '*') throw new Error(`"*" resource in ${JSON.stringify(statement)}`);
    }
  }
}
