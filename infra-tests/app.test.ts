import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync, statSync } from 'node:fs';
import * as path from 'node:path';
import { App } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as cxapi from 'aws-cdk-lib/cx-api';
import { beforeAll, describe, expect, it } from 'vitest';
import { createSeedStacks, SEED_PIPELINES, type SeedPipelineName, type SeedStacks } from '../cdk/stacks';
import {
  actionsAllowedOn,
  cdkJsonContext,
  expectLeastPrivilege,
  iamStatements,
  resourcesAllowedFor,
  resourcesOf,
} from './support';

interface ValidationReport {
  readonly pluginReports: ReadonlyArray<{
    readonly pluginName: string;
    readonly violations?: readonly unknown[];
  }>;
}

/** One key attribute as a template's `KeySchema` lists it. */
interface KeySchemaElement {
  readonly AttributeName: string;
  readonly KeyType: 'HASH' | 'RANGE';
}

/** What each seed's stack must contain, written out here rather than derived from the app's code. */
interface Expectation {
  readonly stackName: string;
  readonly source: 'kinesis' | 'text-files';
  readonly windowed: boolean;
  readonly resultTableKeySchema?: readonly KeySchemaElement[];
}

const EXPECTED: { readonly [name in SeedPipelineName]: Expectation } = {
  'word-count': { stackName: 'SparklessWordCount', source: 'kinesis', windowed: false },
  'file-stream-word-count': {
    stackName: 'SparklessFileStreamWordCount',
    source: 'text-files',
    windowed: false,
  },
  'stateful-word-count': { stackName: 'SparklessStatefulWordCount', source: 'kinesis', windowed: false },
  'transform-blacklist': { stackName: 'SparklessTransformBlacklist', source: 'kinesis', windowed: false },
  'window-hot-word': { stackName: 'SparklessWindowHotWord', source: 'kinesis', windowed: true },
  'persist-word-count': {
    stackName: 'SparklessPersistWordCount',
    source: 'kinesis',
    windowed: false,
    resultTableKeySchema: [{ AttributeName: 'word', KeyType: 'HASH' }],
  },
  'top3-hot-product': { stackName: 'SparklessTop3HotProduct', source: 'kinesis', windowed: true },
  'iot-device-counts': {
    stackName: 'SparklessIotDeviceCounts',
    source: 'kinesis',
    windowed: false,
    resultTableKeySchema: [
      { AttributeName: 'action', KeyType: 'HASH' },
      { AttributeName: 'window', KeyType: 'RANGE' },
    ],
  },
};

const SEEDS = SEED_PIPELINES.map((seed) => ({ name: seed.name, ...EXPECTED[seed.name] }));

/** Bundles larger than this would slow cold starts noticeably; the SDK clients are the bulk. */
const MAX_BUNDLE_BYTES = 5 * 1024 * 1024;

/** The logical ids of the template's resources of one type (and, optionally, matching props). */
function logicalIds(template: Template, type: string, props: Record<string, unknown> = {}): string[] {
  return Object.keys(template.findResources(type, props));
}

/** The logical ids a resolved value refers to with `Ref` or `Fn::GetAtt` (pseudo parameters excluded). */
function referencedLogicalIds(value: unknown): Set<string> {
  const ids = new Set<string>();
  const visit = (node: unknown): void => {
    if (Array.isArray(node)) {
      node.forEach(visit);
    } else if (typeof node === 'object' && node !== null) {
      for (const [key, child] of Object.entries(node)) {
        if (key === 'Ref' && typeof child === 'string' && !child.startsWith('AWS::')) ids.add(child);
        else if (key === 'Fn::GetAtt' && Array.isArray(child) && typeof child[0] === 'string')
          ids.add(child[0]);
        else visit(child);
      }
    }
  };
  visit(value);
  return ids;
}

describe('App: one stack per seed program', () => {
  let stacks: SeedStacks;
  let assembly: cxapi.CloudAssembly;
  const templates = new Map<SeedPipelineName, Template>();

  /** The template of a seed's stack. */
  const templateOf = (name: SeedPipelineName): Template => {
    const template = templates.get(name);
    if (template === undefined) throw new Error(`no template for ${name}`);
    return template;
  };

  /** The logical id of the seed's own function (not a custom resource's handler). */
  const pipelineFunctionId = (name: SeedPipelineName): string => {
    const [id, ...others] = logicalIds(templateOf(name), 'AWS::Lambda::Function', {
      Properties: { Environment: { Variables: { SPARKLESS_PIPELINE: name } } },
    });
    if (id === undefined || others.length > 0) throw new Error(`expected one pipeline function in ${name}`);
    return id;
  };

  beforeAll(() => {
    // GIVEN the app's feature flags and CDK's CloudFormation validation, as `npm run synth` runs them
    const app = new App({ context: cdkJsonContext(), builtinCloudFormationValidation: true });
    // WHEN every seed stack is created and the app is synthesized once, bundling the real handlers
    stacks = createSeedStacks(app);
    assembly = app.synth();
    for (const seed of SEED_PIPELINES) templates.set(seed.name, Template.fromStack(stacks[seed.name]));
  }, 180_000);

  it('synthesizes the eight seed stacks, named Sparkless<PascalName>', () => {
    // THEN
    expect(assembly.stacks.map((stack) => stack.stackName).sort()).toEqual(
      SEEDS.map((seed) => seed.stackName).sort(),
    );
    expect(SEEDS).toHaveLength(8);
    for (const seed of SEED_PIPELINES) expect(seed.plan.name).toBe(seed.name);
  });

  it('synthesizes with no validation finding and no annotation', () => {
    // THEN
    const report = JSON.parse(
      readFileSync(path.join(assembly.directory, 'validation-report.json'), 'utf8'),
    ) as ValidationReport;
    expect(report.pluginReports.flatMap((plugin) => plugin.violations ?? [])).toEqual([]);
  });

  describe.each(SEEDS)('Stack: $stackName', ({ name, source, windowed, resultTableKeySchema }) => {
    it(`runs the ${name} plan in one function, Node.js 22 on arm64`, () => {
      // THEN
      const seed = SEED_PIPELINES.find((candidate) => candidate.name === name);
      const template = templateOf(name);
      pipelineFunctionId(name);
      template.hasResourceProperties('AWS::Lambda::Function', {
        Description: `Sparkless pipeline ${name} (plan ${seed?.plan.fingerprint})`.slice(0, 256),
        Runtime: 'nodejs22.x',
        Architectures: ['arm64'],
        Environment: {
          Variables: Match.objectLike({
            SPARKLESS_PIPELINE: name,
            SPARKLESS_STATE_NAMESPACE: name,
            NODE_OPTIONS: '--enable-source-maps',
          }),
        },
      });
    });

    if (source === 'kinesis') {
      it('reads an encrypted stream through an exactly-once event source mapping, with no bucket notification', () => {
        // THEN
        const template = templateOf(name);
        template.resourceCountIs('AWS::Kinesis::Stream', 1);
        template.resourceCountIs('AWS::Lambda::EventSourceMapping', 1);
        template.hasResourceProperties('AWS::Lambda::EventSourceMapping', {
          EventSourceArn: { 'Fn::GetAtt': [logicalIds(template, 'AWS::Kinesis::Stream')[0], 'Arn'] },
          FunctionName: { Ref: pipelineFunctionId(name) },
          BisectBatchOnFunctionError: true,
          FunctionResponseTypes: ['ReportBatchItemFailures'],
          ParallelizationFactor: 1,
          MaximumRetryAttempts: -1,
          MaximumRecordAgeInSeconds: Match.absent(),
          DestinationConfig: { OnFailure: { Destination: Match.anyValue() } },
        });
        template.resourceCountIs('Custom::S3BucketNotifications', 0);
        template.hasOutput('StreamName', { Value: Match.anyValue() });
      });
    } else {
      it('is notified of new files under input/ and bounds its asynchronous retries, with no stream', () => {
        // THEN
        const template = templateOf(name);
        template.hasResourceProperties('Custom::S3BucketNotifications', {
          NotificationConfiguration: {
            LambdaFunctionConfigurations: [
              {
                Events: ['s3:ObjectCreated:*'],
                Filter: { Key: { FilterRules: [{ Name: 'prefix', Value: 'input/' }] } },
                LambdaFunctionArn: { 'Fn::GetAtt': [pipelineFunctionId(name), 'Arn'] },
              },
            ],
          },
        });
        template.hasResourceProperties('AWS::Lambda::EventInvokeConfig', {
          MaximumRetryAttempts: 2,
          DestinationConfig: { OnFailure: { Destination: Match.anyValue() } },
        });
        template.resourceCountIs('AWS::Lambda::EventSourceMapping', 0);
        template.resourceCountIs('AWS::Kinesis::Stream', 0);
        template.hasOutput('InputBucketName', { Value: Match.anyValue() });
        template.hasOutput('InputPrefix', { Value: 'input/' });
      });
    }

    it(windowed ? 'ticks the function every minute to fire windows' : 'has no window trigger', () => {
      // THEN
      const template = templateOf(name);
      template.resourceCountIs('AWS::Events::Rule', windowed ? 1 : 0);
      if (windowed) {
        template.hasResourceProperties('AWS::Events::Rule', {
          ScheduleExpression: 'rate(1 minute)',
          Targets: [
            Match.objectLike({
              Arn: { 'Fn::GetAtt': [pipelineFunctionId(name), 'Arn'] },
              Input: JSON.stringify({ sparkless: 'tick' }),
            }),
          ],
        });
        template.hasResourceProperties('AWS::Lambda::Permission', {
          Principal: 'events.amazonaws.com',
          FunctionName: { 'Fn::GetAtt': [pipelineFunctionId(name), 'Arn'] },
        });
      }
    });

    if (resultTableKeySchema === undefined) {
      it('has no result table', () => {
        // THEN
        const template = templateOf(name);
        template.resourceCountIs('AWS::DynamoDB::Table', 1);
        template.hasResourceProperties('AWS::DynamoDB::Table', {
          KeySchema: [
            { AttributeName: 'pk', KeyType: 'HASH' },
            { AttributeName: 'sk', KeyType: 'RANGE' },
          ],
        });
        template.hasResourceProperties('AWS::Lambda::Function', {
          Environment: { Variables: Match.objectLike({ SPARKLESS_RESULT_TABLE: Match.absent() }) },
        });
        expect(Object.keys(template.toJSON().Outputs ?? {})).not.toContain('ResultTableName');
      });
    } else {
      it(`writes into a result table keyed by ${resultTableKeySchema.map((k) => k.AttributeName).join(' + ')}, put-only`, () => {
        // THEN
        const template = templateOf(name);
        template.resourceCountIs('AWS::DynamoDB::Table', 2);
        const [tableId, ...others] = logicalIds(template, 'AWS::DynamoDB::Table', {
          Properties: { KeySchema: resultTableKeySchema },
        });
        expect(tableId).toBeDefined();
        expect(others).toEqual([]);
        template.hasResource('AWS::DynamoDB::Table', {
          Properties: {
            KeySchema: resultTableKeySchema,
            AttributeDefinitions: resultTableKeySchema.map(({ AttributeName }) => ({
              AttributeName,
              AttributeType: 'S',
            })),
            BillingMode: 'PAY_PER_REQUEST',
            PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true },
            SSESpecification: { SSEEnabled: true },
          },
          DeletionPolicy: 'Retain',
        });
        template.hasResourceProperties('AWS::Lambda::Function', {
          Environment: { Variables: Match.objectLike({ SPARKLESS_RESULT_TABLE: { Ref: tableId } }) },
        });
        expect(actionsAllowedOn(template, { 'Fn::GetAtt': [tableId, 'Arn'] })).toEqual(['dynamodb:PutItem']);
        template.hasOutput('ResultTableName', { Value: { Ref: tableId } });
      });
    }

    it('grants least privilege: no wildcard action, no "*" resource, nothing outside its own resources', () => {
      // THEN
      const template = templateOf(name);
      expectLeastPrivilege(template);
      // every statement's resource is (an ARN built from) one of the stack's own resources
      const ownResources = new Set(Object.keys(template.toJSON().Resources ?? {}));
      for (const statement of iamStatements(template)) {
        for (const resource of resourcesOf(statement)) {
          expect([...referencedLogicalIds(resource)].some((id) => ownResources.has(id))).toBe(true);
        }
      }
    });

    it('outputs the names producers, the local runner and tests need', () => {
      // THEN
      for (const output of ['FunctionName', 'StateTableName', 'CheckpointBucketName', 'DeadLetterQueueUrl']) {
        templateOf(name).hasOutput(output, { Value: Match.anyValue() });
      }
    });
  });

  describe('Stack: SparklessTransformBlacklist', () => {
    it('may read reference/blacklist.json in its own bucket, and says where to upload it', () => {
      // THEN
      const template = templateOf('transform-blacklist');
      const [bucketId] = logicalIds(template, 'AWS::S3::Bucket');
      const blacklistArn = {
        'Fn::Join': ['', [{ 'Fn::GetAtt': [bucketId, 'Arn'] }, '/reference/blacklist.json']],
      };
      // the whole bucket's objects (checkpoints, write-ahead log), and the reference object
      expect(resourcesAllowedFor(template, 's3:GetObject')).toEqual([
        { 'Fn::Join': ['', [{ 'Fn::GetAtt': [bucketId, 'Arn'] }, '/*']] },
        blacklistArn,
      ]);
      expect(actionsAllowedOn(template, blacklistArn)).toEqual(['s3:GetObject']);
      template.hasOutput('ReferenceBlacklistUri', {
        Value: { 'Fn::Join': ['', ['s3://', { Ref: bucketId }, '/reference/blacklist.json']] },
      });
    });
  });

  it('bundles every real handler into a module that loads under Node.js and exports handler', () => {
    // GIVEN the bundled asset of each pipeline function
    const bundles = Object.fromEntries(
      SEEDS.map(({ name }) => {
        const fn = templateOf(name).toJSON().Resources[pipelineFunctionId(name)] as {
          Properties: { Code: { S3Key: string } };
        };
        const bundle = path.join(
          assembly.directory,
          `asset.${fn.Properties.Code.S3Key.replace(/\.zip$/, '')}`,
          'index.js',
        );
        return [name, bundle];
      }),
    );
    for (const bundle of Object.values(bundles)) {
      expect(existsSync(bundle)).toBe(true);
      expect(existsSync(`${bundle}.map`)).toBe(true);
      expect(statSync(bundle).size).toBeLessThan(MAX_BUNDLE_BYTES);
    }
    // WHEN they are loaded in one fresh Node.js process, each with its function's environment
    const script = `
      const bundles = JSON.parse(process.argv[1]);
      const exported = {};
      for (const [name, file] of Object.entries(bundles)) {
        process.env.SPARKLESS_PIPELINE = name;
        process.env.SPARKLESS_STATE_NAMESPACE = name;
        exported[name] = typeof require(file).handler;
      }
      process.stdout.write(JSON.stringify(exported));
    `;
    const output = execFileSync(
      process.execPath,
      ['--enable-source-maps', '-e', script, JSON.stringify(bundles)],
      {
        encoding: 'utf8',
        env: {
          PATH: process.env.PATH,
          AWS_REGION: 'eu-west-1',
          SPARKLESS_STATE_TABLE: 'state',
          SPARKLESS_CHECKPOINT_BUCKET: 'checkpoints',
          SPARKLESS_RESULT_TABLE: 'results',
        },
      },
    );
    // THEN
    expect(JSON.parse(output)).toEqual(Object.fromEntries(SEEDS.map(({ name }) => [name, 'function'])));
  });
});

describe('Function: createSeedStacks', () => {
  it('applies the shared pipeline and stack props to every seed, keeping what each seed fixes', () => {
    // GIVEN an app that skips bundling (templates only) and shared props, as `cdk/app.ts` passes codeVersion
    const app = new App({
      context: { ...cdkJsonContext(), [cxapi.BUNDLING_STACKS]: [] },
      builtinCloudFormationValidation: false,
    });
    // WHEN
    const stacks = createSeedStacks(app, {
      pipeline: { codeVersion: 'abc1234', memorySize: 512 },
      stackProps: { env: { account: '123456789012', region: 'eu-west-1' } },
    });
    // THEN
    for (const seed of SEEDS) {
      const stack = stacks[seed.name];
      expect(stack.stackName).toBe(seed.stackName);
      expect(stack.region).toBe('eu-west-1');
      const template = Template.fromStack(stack);
      template.hasResourceProperties('AWS::Lambda::Function', {
        MemorySize: 512,
        Environment: {
          Variables: Match.objectLike({ SPARKLESS_PIPELINE: seed.name, SPARKLESS_CODE_VERSION: 'abc1234' }),
        },
      });
      template.resourceCountIs('AWS::DynamoDB::Table', seed.resultTableKeySchema === undefined ? 1 : 2);
    }
  });
});
