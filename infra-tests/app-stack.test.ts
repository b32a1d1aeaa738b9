import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync, statSync } from 'node:fs';
import * as path from 'node:path';
import { App } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import type { CloudAssembly } from 'aws-cdk-lib/cx-api';
import { beforeAll, describe, expect, it } from 'vitest';
import { SparklessStatefulWordCountStack } from '../cdk/stacks/stateful-word-count-stack';
import { statefulWordCount } from '../functions/pipelines/stateful-word-count';
import { cdkJsonContext } from './support';

interface ValidationReport {
  readonly pluginReports: ReadonlyArray<{
    readonly pluginName: string;
    readonly violations?: readonly unknown[];
  }>;
}

/** Bundles larger than this would slow cold starts noticeably; the SDK clients are the bulk. */
const MAX_BUNDLE_BYTES = 5 * 1024 * 1024;

describe('Stack: SparklessStatefulWordCountStack', () => {
  let stack: SparklessStatefulWordCountStack;
  let assembly: CloudAssembly;
  let template: Template;

  beforeAll(() => {
    // GIVEN the app's feature flags and CDK's CloudFormation validation, as `npm run synth` runs them
    const app = new App({ context: cdkJsonContext(), builtinCloudFormationValidation: true });
    // WHEN the real stack is synthesized, bundling the real handler
    stack = new SparklessStatefulWordCountStack(app, 'SparklessStatefulWordCount');
    assembly = app.synth();
    template = Template.fromStack(stack);
  });

  it('synthesizes with no validation finding and no annotation', () => {
    // THEN
    const report = JSON.parse(
      readFileSync(path.join(assembly.directory, 'validation-report.json'), 'utf8'),
    ) as ValidationReport;
    expect(report.pluginReports.flatMap((plugin) => plugin.violations ?? [])).toEqual([]);
  });

  it('runs the stateful word count plan', () => {
    // THEN
    const { plan } = statefulWordCount;
    expect(plan.name).toBe('stateful-word-count');
    template.hasResourceProperties('AWS::Lambda::Function', {
      Description: `Sparkless pipeline ${plan.name} (plan ${plan.fingerprint})`.slice(0, 256),
      Environment: {
        Variables: Match.objectLike({
          SPARKLESS_PIPELINE: 'stateful-word-count',
          SPARKLESS_STATE_NAMESPACE: 'stateful-word-count',
          NODE_OPTIONS: '--enable-source-maps',
        }),
      },
    });
    expect(stack.pipeline.windowTrigger === undefined).toBe(!plan.needsWindowTrigger);
  });

  it('reads the stream with the exactly-once mapping settings', () => {
    // THEN
    template.hasResourceProperties('AWS::Lambda::EventSourceMapping', {
      BisectBatchOnFunctionError: true,
      FunctionResponseTypes: ['ReportBatchItemFailures'],
      ParallelizationFactor: 1,
      MaximumRetryAttempts: 10,
      MaximumRecordAgeInSeconds: 86_400,
      DestinationConfig: { OnFailure: { Destination: Match.anyValue() } },
    });
  });

  it('outputs the names producers, the local runner and tests need', () => {
    // THEN
    for (const output of [
      'StreamName',
      'FunctionName',
      'StateTableName',
      'CheckpointBucketName',
      'DeadLetterQueueUrl',
    ]) {
      template.hasOutput(output, { Value: Match.anyValue() });
    }
  });

  it('bundles the real handler into a module that loads under Node.js and exports handler', () => {
    // GIVEN the bundled asset of the function
    const functions = template.findResources('AWS::Lambda::Function') as Record<
      string,
      { Properties: { Code: { S3Key: string } } }
    >;
    const [fn] = Object.values(functions);
    const bundle = path.join(
      assembly.directory,
      `asset.${fn?.Properties.Code.S3Key.replace(/\.zip$/, '')}`,
      'index.js',
    );
    expect(existsSync(bundle)).toBe(true);
    expect(existsSync(`${bundle}.map`)).toBe(true);
    expect(statSync(bundle).size).toBeLessThan(MAX_BUNDLE_BYTES);
    // WHEN it is loaded in a fresh Node.js process with the function's environment
    const exported = execFileSync(
      process.execPath,
      [
        '--enable-source-maps',
        '-e',
        `process.stdout.write(typeof require(${JSON.stringify(bundle)}).handler)`,
      ],
      {
        encoding: 'utf8',
        env: {
          PATH: process.env.PATH,
          AWS_REGION: 'eu-west-1',
          SPARKLESS_PIPELINE: 'stateful-word-count',
          SPARKLESS_STATE_TABLE: 'state',
          SPARKLESS_CHECKPOINT_BUCKET: 'checkpoints',
          SPARKLESS_STATE_NAMESPACE: 'stateful-word-count',
        },
      },
    );
    // THEN
    expect(exported).toBe('function');
  });
});
