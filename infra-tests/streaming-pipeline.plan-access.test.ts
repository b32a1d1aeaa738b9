import { CfnParameter, Duration, RemovalPolicy, type Stack } from 'aws-cdk-lib';
import { Annotations, Match, type Template } from 'aws-cdk-lib/assertions';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as kms from 'aws-cdk-lib/aws-kms';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  iamLiteral,
  SparklessEnvironment,
  type StreamingPipeline,
  textFilePrefixLocation,
} from '../cdk/streaming-pipeline';
import { RESULT_TABLE_ENV } from '../functions/pipelines/result-table';
import { top3HotProduct } from '../functions/pipelines/top3-hot-product';
import { windowHotWord } from '../functions/pipelines/window-hot-word';
import type { PipelinePlan } from '../lib/core';
import {
  actionsAllowedOn,
  expectLeastPrivilege,
  planFactory,
  resourcesAllowedFor,
  synthesizePipeline,
  type TestStackOptions,
} from './support';

/** These tests read templates only: skip esbuild (the construct tests bundle the fixture elsewhere). */
const TEMPLATE_ONLY: TestStackOptions = { bundling: false };

/** `arn:${Partition}:s3:::<path>` as the template renders it. */
const s3Arn = (path: string): unknown => ({
  'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, `:s3:::${path}`]],
});

/** The lists hold the same items, in any order (policy minimization reorders resources). */
function expectSameMembers(actual: readonly unknown[], expected: readonly unknown[]): void {
  expect(actual).toHaveLength(expected.length);
  expect(actual).toEqual(expect.arrayContaining([...expected]));
}

describe('Construct: StreamingPipeline (result table, reference data, text files, windows)', () => {
  describe('Given the key schema of a result table', () => {
    let template: Template;
    let stack: Stack;
    let pipeline: StreamingPipeline;

    beforeAll(() => {
      // GIVEN a partition and a sort key, WHEN the pipeline is synthesized
      ({ template, stack, pipeline } = synthesizePipeline(
        {
          resultTable: {
            partitionKey: { name: 'action', type: dynamodb.AttributeType.STRING },
            sortKey: { name: 'window', type: dynamodb.AttributeType.STRING },
          },
        },
        undefined,
        TEMPLATE_ONLY,
      ));
    });

    it('creates an on-demand, point-in-time-recovered, encrypted, retained table with that key schema', () => {
      // THEN
      template.resourceCountIs('AWS::DynamoDB::Table', 2);
      template.hasResource('AWS::DynamoDB::Table', {
        Properties: {
          KeySchema: [
            { AttributeName: 'action', KeyType: 'HASH' },
            { AttributeName: 'window', KeyType: 'RANGE' },
          ],
          AttributeDefinitions: [
            { AttributeName: 'action', AttributeType: 'S' },
            { AttributeName: 'window', AttributeType: 'S' },
          ],
          BillingMode: 'PAY_PER_REQUEST',
          PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true },
          SSESpecification: { SSEEnabled: true },
          TimeToLiveSpecification: Match.absent(),
        },
        DeletionPolicy: 'Retain',
      });
    });

    it('names the table in SPARKLESS_RESULT_TABLE, the variable the seeds’ result-table sink reads', () => {
      // THEN
      expect(SparklessEnvironment.RESULT_TABLE).toBe(RESULT_TABLE_ENV);
      template.hasResourceProperties('AWS::Lambda::Function', {
        Environment: {
          Variables: Match.objectLike({
            SPARKLESS_RESULT_TABLE: stack.resolve(pipeline.resultTable?.tableName),
          }),
        },
      });
    });

    it('lets the function put items into the table and nothing else', () => {
      // THEN
      expect(actionsAllowedOn(template, stack.resolve(pipeline.resultTable?.tableArn))).toEqual([
        'dynamodb:PutItem',
      ]);
      expectLeastPrivilege(template);
    });

    it('exposes the table', () => {
      // THEN
      expect(pipeline.resultTable).toBeInstanceOf(dynamodb.Table);
    });
  });

  describe('Given a result table without a sort key and RemovalPolicy.DESTROY', () => {
    it('creates a table keyed by the partition key alone, destroyed with the stack', () => {
      // GIVEN
      const { template } = synthesizePipeline(
        {
          resultTable: { partitionKey: { name: 'word', type: dynamodb.AttributeType.STRING } },
          removalPolicy: RemovalPolicy.DESTROY,
        },
        undefined,
        TEMPLATE_ONLY,
      );
      // THEN
      template.hasResource('AWS::DynamoDB::Table', {
        Properties: {
          KeySchema: [{ AttributeName: 'word', KeyType: 'HASH' }],
          AttributeDefinitions: [{ AttributeName: 'word', AttributeType: 'S' }],
        },
        DeletionPolicy: 'Delete',
      });
    });
  });

  describe('Given an existing result table encrypted with a customer-managed key', () => {
    let template: Template;
    let stack: Stack;
    let pipeline: StreamingPipeline;
    let key: kms.IKey;

    beforeAll(() => {
      // GIVEN
      ({ template, stack, pipeline } = synthesizePipeline(
        {},
        (scope) => {
          key = new kms.Key(scope, 'ResultsKey');
          return {
            resultTable: dynamodb.Table.fromTableAttributes(scope, 'Results', {
              tableName: 'existing-results',
              encryptionKey: key,
            }),
          };
        },
        TEMPLATE_ONLY,
      ));
    });

    it('creates no result table and points the function at the existing one', () => {
      // THEN
      template.resourceCountIs('AWS::DynamoDB::Table', 1);
      template.hasResourceProperties('AWS::Lambda::Function', {
        Environment: { Variables: Match.objectLike({ SPARKLESS_RESULT_TABLE: 'existing-results' }) },
      });
      expect(pipeline.resultTable?.tableName).toBe('existing-results');
    });

    it('grants PutItem on the existing table and encrypt/decrypt on its key', () => {
      // THEN
      const tableArn = stack.resolve(pipeline.resultTable?.tableArn);
      expect(actionsAllowedOn(template, tableArn)).toEqual(['dynamodb:PutItem']);
      expect(actionsAllowedOn(template, stack.resolve(key.keyArn))).toEqual(
        expect.arrayContaining(['kms:Encrypt', 'kms:Decrypt', 'kms:GenerateDataKey*']),
      );
    });
  });

  describe('Given a plan with reference data and text-file outputs', () => {
    const plan: PipelinePlan = planFactory({
      references: [
        {
          name: 'blacklist',
          source: { kind: 's3-json', bucket: '${pipeline-bucket}', key: 'reference/blacklist.json' },
          refreshIntervalMs: 60_000,
        },
        {
          name: 'prices',
          source: { kind: 's3-json', bucket: 'shared-reference', key: 'prices/*latest?.json' },
          refreshIntervalMs: 300_000,
        },
        {
          name: 'prices-again',
          source: { kind: 's3-json', bucket: 'shared-reference', key: 'prices/*latest?.json' },
          refreshIntervalMs: 300_000,
        },
        {
          name: 'devices',
          source: { kind: 'dynamodb-table', tableName: 'device-registry', keyAttribute: 'deviceId' },
          refreshIntervalMs: 60_000,
        },
        { name: 'limits', source: { kind: 'static', value: { max: 3 } }, refreshIntervalMs: 0 },
      ],
      textFilePrefixes: ['s3://results-bucket/word-counts/run', 's3a://archive.example/a$b', 'out/counts'],
    });
    let template: Template;
    let stack: Stack;
    let pipeline: StreamingPipeline;

    beforeAll(() => {
      // GIVEN a plan reading two S3 documents (one twice), a table and a static value, writing text
      // files into two other buckets and its own. WHEN the pipeline is synthesized
      ({ template, stack, pipeline } = synthesizePipeline({ plan }, undefined, TEMPLATE_ONLY));
    });

    it('grants s3:GetObject on exactly the referenced objects, wildcard characters escaped', () => {
      // THEN
      const bucketArn = stack.resolve(pipeline.checkpointBucket.bucketArn);
      expectSameMembers(resourcesAllowedFor(template, 's3:GetObject'), [
        { 'Fn::Join': ['', [bucketArn, '/*']] },
        { 'Fn::Join': ['', [bucketArn, '/reference/blacklist.json']] },
        s3Arn('shared-reference/prices/${*}latest${?}.json'),
      ]);
    });

    it('grants dynamodb:Scan on the referenced table in the stack’s account and region', () => {
      // THEN
      expect(resourcesAllowedFor(template, 'dynamodb:Scan')).toEqual(
        expect.arrayContaining([
          {
            'Fn::Join': [
              '',
              [
                'arn:',
                { Ref: 'AWS::Partition' },
                ':dynamodb:',
                { Ref: 'AWS::Region' },
                ':',
                { Ref: 'AWS::AccountId' },
                ':table/device-registry',
              ],
            ],
          },
        ]),
      );
      const scanOnly = resourcesAllowedFor(template, 'dynamodb:Scan').filter((resource) =>
        JSON.stringify(resource).includes('device-registry'),
      );
      expect(scanOnly).toHaveLength(1);
      expect(actionsAllowedOn(template, scanOnly[0])).toEqual(['dynamodb:Scan']);
    });

    it('grants s3:PutObject under the prefixes in other buckets only, not on the buckets themselves', () => {
      // THEN
      const putOutsideOwnBucket = resourcesAllowedFor(template, 's3:PutObject').filter(
        (resource) => !JSON.stringify(resource).includes('CheckpointBucket'),
      );
      expectSameMembers(putOutsideOwnBucket, [
        s3Arn('results-bucket/word-counts/run*'),
        s3Arn('archive.example/a${$}b*'),
      ]);
      for (const resource of putOutsideOwnBucket) {
        expect(actionsAllowedOn(template, resource)).toEqual(['s3:PutObject']);
      }
    });

    it('still grants least privilege', () => {
      // THEN
      expectLeastPrivilege(template);
    });
  });

  describe('Function: textFilePrefixLocation', () => {
    it.each([
      ['s3://results/word-counts', { bucket: 'results', keyPrefix: 'word-counts' }],
      ['s3n://results/a/b', { bucket: 'results', keyPrefix: 'a/b' }],
      ['S3A://results/x', { bucket: 'results', keyPrefix: 'x' }],
      ['out/counts', undefined],
      ['/tmp/out', undefined],
    ])('maps %s to %o', (prefix, expected) => {
      // WHEN / THEN
      expect(textFilePrefixLocation(prefix)).toEqual(expected);
    });
  });

  describe('Function: iamLiteral', () => {
    it('escapes IAM wildcards and variables, and nothing else', () => {
      // WHEN / THEN
      expect(iamLiteral('a*b?c$d/e-f.json')).toBe('a${*}b${?}c${$}d/e-f.json');
      expect(iamLiteral('reference/blacklist.json')).toBe('reference/blacklist.json');
    });
  });

  describe('Given a plan with progress forwarders', () => {
    const plan: PipelinePlan = planFactory({
      progressTargets: [
        { kind: 'kinesis', name: 'streaming-metrics' },
        { kind: 'eventbridge', name: 'ops-bus' },
        { kind: 'kinesis', name: 'streaming-metrics' },
      ],
    });
    let template: Template;

    beforeAll(() => {
      // GIVEN a plan forwarding progress to a stream (declared twice) and a bus. WHEN the pipeline is synthesized
      ({ template } = synthesizePipeline({ plan }, undefined, TEMPLATE_ONLY));
    });

    /** `arn:${Partition}:<service>:${Region}:${AccountId}:<resource>` as the template renders it. */
    const regionalArn = (service: string, resource: string): unknown => ({
      'Fn::Join': [
        '',
        [
          'arn:',
          { Ref: 'AWS::Partition' },
          `:${service}:`,
          { Ref: 'AWS::Region' },
          ':',
          { Ref: 'AWS::AccountId' },
          `:${resource}`,
        ],
      ],
    });

    it('grants kinesis:PutRecord on the named stream only, and nothing else on it', () => {
      // THEN
      const stream = regionalArn('kinesis', 'stream/streaming-metrics');
      expect(resourcesAllowedFor(template, 'kinesis:PutRecord')).toEqual([stream]);
      expect(actionsAllowedOn(template, stream)).toEqual(['kinesis:PutRecord']);
    });

    it('grants events:PutEvents on the named bus only, and nothing else on it', () => {
      // THEN
      const bus = regionalArn('events', 'event-bus/ops-bus');
      expect(resourcesAllowedFor(template, 'events:PutEvents')).toEqual([bus]);
      expect(actionsAllowedOn(template, bus)).toEqual(['events:PutEvents']);
      expectLeastPrivilege(template);
    });

    it('grants neither to a plan without forwarders', () => {
      // GIVEN the same pipeline without forwarders
      const { template: plain } = synthesizePipeline({ plan: planFactory() }, undefined, TEMPLATE_ONLY);

      // THEN
      expect(resourcesAllowedFor(plain, 'kinesis:PutRecord')).toEqual([]);
      expect(resourcesAllowedFor(plain, 'events:PutEvents')).toEqual([]);
    });
  });

  describe('Given the windowed seed plans', () => {
    it.each([
      ['window-hot-word', windowHotWord.plan],
      ['top3-hot-product', top3HotProduct.plan],
    ])('%s: ticks the function every minute and passes windowIdleTimeout in milliseconds', (name, plan) => {
      // GIVEN a real windowed plan and an idle timeout
      expect(plan.name).toBe(name);
      expect(plan.needsWindowTrigger).toBe(true);
      // WHEN
      const { template, stack, pipeline } = synthesizePipeline(
        { plan, windowIdleTimeout: Duration.seconds(90) },
        undefined,
        TEMPLATE_ONLY,
      );
      // THEN
      template.resourceCountIs('AWS::Events::Rule', 1);
      template.hasResourceProperties('AWS::Events::Rule', {
        ScheduleExpression: 'rate(1 minute)',
        State: 'ENABLED',
        Targets: [
          Match.objectLike({
            Arn: stack.resolve(pipeline.lambdaFunction.functionArn),
            Input: JSON.stringify({ sparkless: 'tick' }),
          }),
        ],
      });
      template.hasResourceProperties('AWS::Lambda::Function', {
        Environment: {
          Variables: Match.objectLike({
            SPARKLESS_PIPELINE: name,
            SPARKLESS_WINDOW_IDLE_TIMEOUT_MS: '90000',
          }),
        },
      });
      Annotations.fromStack(stack).hasNoWarning('*', Match.anyValue());
    });
  });

  describe('Given a windowIdleTimeout that is a CDK token', () => {
    it('skips validation and passes the token through as the variable', () => {
      // GIVEN an idle timeout known only at deploy time
      const { template } = synthesizePipeline(
        { plan: windowHotWord.plan },
        (scope) => ({
          windowIdleTimeout: Duration.millis(
            new CfnParameter(scope, 'IdleTimeoutMs', { type: 'Number' }).valueAsNumber,
          ),
        }),
        TEMPLATE_ONLY,
      );
      // THEN
      template.hasResourceProperties('AWS::Lambda::Function', {
        Environment: {
          Variables: Match.objectLike({ SPARKLESS_WINDOW_IDLE_TIMEOUT_MS: { Ref: 'IdleTimeoutMs' } }),
        },
      });
    });
  });

  describe('Given window props for a plan without windows', () => {
    it('sets the variable anyway and warns that the props have no effect', () => {
      // GIVEN
      const { template, stack } = synthesizePipeline(
        { windowIdleTimeout: Duration.minutes(2), windowTriggerInterval: Duration.minutes(5) },
        undefined,
        TEMPLATE_ONLY,
      );
      // THEN
      template.resourceCountIs('AWS::Events::Rule', 0);
      template.hasResourceProperties('AWS::Lambda::Function', {
        Environment: { Variables: Match.objectLike({ SPARKLESS_WINDOW_IDLE_TIMEOUT_MS: '120000' }) },
      });
      Annotations.fromStack(stack).hasWarning(
        '/TestStack/Pipeline',
        Match.stringLikeRegexp(
          'windowTriggerInterval and windowIdleTimeout have no effect: plan test-word-count has no append-mode windows',
        ),
      );
    });
  });
});
