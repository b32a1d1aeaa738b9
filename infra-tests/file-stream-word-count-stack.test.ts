import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync, statSync } from 'node:fs';
import * as path from 'node:path';
import { App } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import type { CloudAssembly } from 'aws-cdk-lib/cx-api';
import { beforeAll, describe, expect, it } from 'vitest';
import { SparklessFileStreamWordCountStack } from '../cdk/stacks/file-stream-word-count-stack';
import { fileStreamWordCount } from '../functions/pipelines/file-stream-word-count';
import { cdkJsonContext } from './support';

interface ValidationReport {
  readonly pluginReports: ReadonlyArray<{
    readonly pluginName: string;
    readonly violations?: readonly unknown[];
  }>;
}

/** Bundles larger than this would slow cold starts noticeably; the SDK clients are the bulk. */
const MAX_BUNDLE_BYTES = 5 * 1024 * 1024;

describe('Stack: SparklessFileStreamWordCountStack', () => {
  let stack: SparklessFileStreamWordCountStack;
  let assembly: CloudAssembly;
  let template: Template;

  beforeAll(() => {
    // GIVEN the app's feature flags and CDK's CloudFormation validation, as `npm run synth` runs them
    const app = new App({ context: cdkJsonContext(), builtinCloudFormationValidation: true });
    // WHEN the real stack is synthesized, bundling the real handler
    stack = new SparklessFileStreamWordCountStack(app, 'SparklessFileStreamWordCount');
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

  it('runs the file-stream word count plan, notified of new files under input/', () => {
    // THEN
    const { plan } = fileStreamWordCount;
    expect(plan.source).toEqual({ kind: 'text-files', prefix: 'input/' });
    template.hasResourceProperties('AWS::Lambda::Function', {
      Description: `Sparkless pipeline ${plan.name} (plan ${plan.fingerprint})`.slice(0, 256),
      Environment: {
        Variables: Match.objectLike({
          SPARKLESS_PIPELINE: 'file-stream-word-count',
          SPARKLESS_STATE_NAMESPACE: 'file-stream-word-count',
        }),
      },
    });
    template.hasResourceProperties('Custom::S3BucketNotifications', {
      NotificationConfiguration: {
        LambdaFunctionConfigurations: [
          Match.objectLike({
            Events: ['s3:ObjectCreated:*'],
            Filter: { Key: { FilterRules: [{ Name: 'prefix', Value: 'input/' }] } },
          }),
        ],
      },
    });
    template.hasResourceProperties('AWS::Lambda::EventInvokeConfig', {
      MaximumRetryAttempts: 2,
      DestinationConfig: { OnFailure: { Destination: Match.anyValue() } },
    });
    template.resourceCountIs('AWS::Lambda::EventSourceMapping', 0);
  });

  it('outputs the names uploaders, the local runner and tests need', () => {
    // THEN
    for (const output of [
      'InputBucketName',
      'InputPrefix',
      'FunctionName',
      'StateTableName',
      'CheckpointBucketName',
      'DeadLetterQueueUrl',
    ]) {
      template.hasOutput(output, { Value: Match.anyValue() });
    }
  });

  it('bundles the real handler into a module that loads under Node.js and exports handler', () => {
    // GIVEN the bundled asset of the pipeline's function (not the notifications custom resource's)
    const functions = template.findResources('AWS::Lambda::Function', {
      Properties: { Environment: { Variables: { SPARKLESS_PIPELINE: 'file-stream-word-count' } } },
    }) as Record<string, { Properties: { Code: { S3Key: string } } }>;
    const [fn] = Object.values(functions);
    const bundle = path.join(
      assembly.directory,
      `asset.${fn?.Properties.Code.S3Key.replace(/\.zip$/, '')}`,
      'index.js',
    );
    expect(existsSync(bundle)).toBe(true);
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
          SPARKLESS_PIPELINE: 'file-stream-word-count',
          SPARKLESS_STATE_TABLE: 'state',
          SPARKLESS_CHECKPOINT_BUCKET: 'checkpoints',
          SPARKLESS_STATE_NAMESPACE: 'file-stream-word-count',
        },
      },
    );
    // THEN
    expect(exported).toBe('function');
  });
});
