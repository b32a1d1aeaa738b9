import { existsSync, readdirSync } from 'node:fs';
import * as path from 'node:path';
import { type App, CfnParameter, Duration, RemovalPolicy, type Stack } from 'aws-cdk-lib';
import { Annotations, Match, type Template } from 'aws-cdk-lib/assertions';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as kinesis from 'aws-cdk-lib/aws-kinesis';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  FailurePolicy,
  StreamingPipeline,
  StreamingPipelineError,
  StreamingPipelineErrorCode,
  type StreamingPipelineProps,
  StreamingPipelineValidationError,
} from '../cdk/streaming-pipeline';
import type { SourceDescriptor } from '../lib/core';
import {
  actionsOf,
  iamStatements,
  newTestStack,
  pipelinePropsFactory,
  planFactory,
  resourcesOf,
  type SynthesizedPipeline,
  synthesizePipeline,
  textFilesPlanFactory,
  thrownBy,
} from './support';

describe('Construct: StreamingPipeline', () => {
  describe('Given the default props', () => {
    let synthesized: SynthesizedPipeline;
    let template: Template;
    let ids: {
      stream: unknown;
      table: unknown;
      tableArn: unknown;
      bucket: unknown;
      bucketArn: unknown;
      queueArn: unknown;
      streamArn: unknown;
      fn: unknown;
      logGroup: unknown;
    };

    beforeAll(() => {
      // GIVEN a plan and a handler entry, WHEN the pipeline is synthesized with no other prop
      synthesized = synthesizePipeline();
      template = synthesized.template;
      const { stack, pipeline } = synthesized;
      ids = {
        stream: stack.resolve(pipeline.stream?.streamName),
        streamArn: stack.resolve(pipeline.stream?.streamArn),
        table: stack.resolve(pipeline.stateTable.tableName),
        tableArn: stack.resolve(pipeline.stateTable.tableArn),
        bucket: stack.resolve(pipeline.checkpointBucket.bucketName),
        bucketArn: stack.resolve(pipeline.checkpointBucket.bucketArn),
        queueArn: stack.resolve(pipeline.deadLetterQueue.queueArn),
        fn: stack.resolve(pipeline.lambdaFunction.functionName),
        logGroup: stack.resolve(pipeline.logGroup.logGroupName),
      };
    });

    it('creates a Kinesis stream encrypted with the AWS-managed key, kept 7 days and retained', () => {
      // THEN
      template.resourceCountIs('AWS::Kinesis::Stream', 1);
      template.hasResource('AWS::Kinesis::Stream', {
        Properties: {
          StreamEncryption: { EncryptionType: 'KMS', KeyId: 'alias/aws/kinesis' },
          RetentionPeriodHours: 168,
          ShardCount: 1,
        },
        DeletionPolicy: 'Retain',
      });
    });

    it('maps the stream to the function with bisect, batch item failures, order, and blocks on a failed batch', () => {
      // THEN
      template.resourceCountIs('AWS::Lambda::EventSourceMapping', 1);
      template.hasResourceProperties('AWS::Lambda::EventSourceMapping', {
        EventSourceArn: ids.streamArn,
        FunctionName: ids.fn,
        StartingPosition: 'TRIM_HORIZON',
        BatchSize: 100,
        MaximumBatchingWindowInSeconds: 1,
        BisectBatchOnFunctionError: true,
        FunctionResponseTypes: ['ReportBatchItemFailures'],
        MaximumRetryAttempts: -1,
        MaximumRecordAgeInSeconds: Match.absent(),
        ParallelizationFactor: 1,
        TumblingWindowInSeconds: Match.absent(),
        DestinationConfig: { OnFailure: { Destination: ids.queueArn } },
      });
    });

    it('sends discarded batches to an encrypted, SSL-only, retained SQS queue that keeps them 14 days', () => {
      // THEN
      template.resourceCountIs('AWS::SQS::Queue', 1);
      template.hasResource('AWS::SQS::Queue', {
        Properties: { SqsManagedSseEnabled: true, MessageRetentionPeriod: 1_209_600 },
        DeletionPolicy: 'Retain',
      });
      template.hasResourceProperties('AWS::SQS::QueuePolicy', {
        PolicyDocument: {
          Statement: Match.arrayWith([
            Match.objectLike({
              Effect: 'Deny',
              Action: 'sqs:*',
              Condition: { Bool: { 'aws:SecureTransport': 'false' } },
            }),
          ]),
        },
      });
    });

    it('creates an on-demand state table with pk/sk, PITR, encryption and TTL on expiresAt, retained', () => {
      // THEN
      template.resourceCountIs('AWS::DynamoDB::Table', 1);
      template.hasResource('AWS::DynamoDB::Table', {
        Properties: {
          BillingMode: 'PAY_PER_REQUEST',
          KeySchema: [
            { AttributeName: 'pk', KeyType: 'HASH' },
            { AttributeName: 'sk', KeyType: 'RANGE' },
          ],
          AttributeDefinitions: [
            { AttributeName: 'pk', AttributeType: 'S' },
            { AttributeName: 'sk', AttributeType: 'S' },
          ],
          PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true },
          SSESpecification: { SSEEnabled: true },
          TimeToLiveSpecification: { AttributeName: 'expiresAt', Enabled: true },
        },
        DeletionPolicy: 'Retain',
        UpdateReplacePolicy: 'Retain',
      });
    });

    it('creates an encrypted, private, versioned checkpoint bucket that expires wal/ after 7 days', () => {
      // THEN
      template.resourceCountIs('AWS::S3::Bucket', 1);
      template.hasResource('AWS::S3::Bucket', {
        Properties: {
          BucketEncryption: {
            ServerSideEncryptionConfiguration: [
              { ServerSideEncryptionByDefault: { SSEAlgorithm: 'AES256' } },
            ],
          },
          PublicAccessBlockConfiguration: {
            BlockPublicAcls: true,
            BlockPublicPolicy: true,
            IgnorePublicAcls: true,
            RestrictPublicBuckets: true,
          },
          VersioningConfiguration: { Status: 'Enabled' },
          LifecycleConfiguration: {
            Rules: Match.arrayWith([
              Match.objectLike({ Prefix: 'wal/', ExpirationInDays: 7, Status: 'Enabled' }),
            ]),
          },
        },
        DeletionPolicy: 'Retain',
      });
    });

    it('never expires dead letters or states kept in S3 (state/) in the checkpoint bucket', () => {
      // THEN only the wal/ rule expires current objects (a state item points to its object until replaced)
      const buckets = template.findResources('AWS::S3::Bucket') as Record<
        string,
        {
          Properties: {
            LifecycleConfiguration: { Rules: Array<{ Prefix?: string; ExpirationInDays?: number }> };
          };
        }
      >;
      const rules = Object.values(buckets).flatMap(
        (bucket) => bucket.Properties.LifecycleConfiguration.Rules,
      );
      const expiring = rules.filter((rule) => rule.ExpirationInDays !== undefined);
      expect(expiring.map((rule) => rule.Prefix)).toEqual(['wal/']);
    });

    it('denies non-SSL access to the checkpoint bucket', () => {
      // THEN
      template.hasResourceProperties('AWS::S3::BucketPolicy', {
        Bucket: ids.bucket,
        PolicyDocument: {
          Statement: Match.arrayWith([
            Match.objectLike({
              Effect: 'Deny',
              Action: 's3:*',
              Principal: { AWS: '*' },
              Condition: { Bool: { 'aws:SecureTransport': 'false' } },
            }),
          ]),
        },
      });
    });

    it('runs the handler on arm64 Node.js 22 with 1024 MiB, 1 minute and its own log group', () => {
      // THEN
      template.resourceCountIs('AWS::Lambda::Function', 1);
      template.hasResourceProperties('AWS::Lambda::Function', {
        Runtime: 'nodejs22.x',
        Architectures: ['arm64'],
        Handler: 'index.handler',
        MemorySize: 1024,
        Timeout: 60,
        LoggingConfig: { LogGroup: ids.logGroup },
        Description: 'Sparkless pipeline test-word-count (plan f1ngerpr1nt)',
      });
      template.hasResource('AWS::Logs::LogGroup', {
        Properties: { RetentionInDays: 30 },
        DeletionPolicy: 'Retain',
      });
    });

    it('passes exactly the Sparkless environment to the handler', () => {
      // THEN
      template.hasResourceProperties('AWS::Lambda::Function', {
        Environment: {
          Variables: Match.objectEquals({
            NODE_OPTIONS: '--enable-source-maps',
            SPARKLESS_PIPELINE: 'test-word-count',
            SPARKLESS_STATE_TABLE: ids.table,
            SPARKLESS_CHECKPOINT_BUCKET: ids.bucket,
            SPARKLESS_STATE_NAMESPACE: 'test-word-count',
          }),
        },
      });
    });

    it('bundles the handler locally with esbuild, with a source map', () => {
      // WHEN the assembly is read back
      const { stack } = synthesized;
      const assembly = (stack.node.root as App).synth();
      const functions = template.findResources('AWS::Lambda::Function') as Record<
        string,
        { Properties: { Code: { S3Key: string } } }
      >;
      const [fn] = Object.values(functions);
      const assetDir = path.join(
        assembly.directory,
        `asset.${fn?.Properties.Code.S3Key.replace(/\.zip$/, '')}`,
      );
      // THEN
      expect(existsSync(assetDir)).toBe(true);
      expect(readdirSync(assetDir).sort()).toEqual(['index.js', 'index.js.map']);
    });

    it('grants the function read/write data on the table and bucket, send on the queue, read on the stream', () => {
      // THEN
      const statements = iamStatements(template);
      const allowedOn = (resource: unknown): string[] =>
        statements
          .filter((statement) =>
            resourcesOf(statement).some((r) => JSON.stringify(r) === JSON.stringify(resource)),
          )
          .flatMap(actionsOf);
      expect(allowedOn(ids.tableArn)).toEqual(
        expect.arrayContaining([
          'dynamodb:GetItem',
          'dynamodb:PutItem',
          'dynamodb:UpdateItem',
          'dynamodb:Query',
        ]),
      );
      // DeleteObject: a state kept in S3 (above 400 KB) deletes the object its new version replaced;
      // exactly the calls the object store makes (cdk-nag AwsSolutions-IAM5: no s3:GetObject*, s3:List*, s3:Abort*)
      expect(allowedOn({ 'Fn::Join': ['', [ids.bucketArn, '/*']] }).sort()).toEqual([
        's3:DeleteObject',
        's3:GetObject',
        's3:PutObject',
      ]);
      expect(allowedOn(ids.bucketArn)).toEqual(['s3:ListBucket']);
      expect(allowedOn(ids.queueArn)).toEqual(expect.arrayContaining(['sqs:SendMessage']));
      expect(allowedOn(ids.streamArn)).toEqual(
        expect.arrayContaining(['kinesis:GetRecords', 'kinesis:GetShardIterator']),
      );
    });

    it('grants least privilege: no wildcard actions, no "*" resource, no control-plane actions', () => {
      // THEN
      const statements = iamStatements(template);
      expect(statements.length).toBeGreaterThan(0);
      for (const statement of statements) {
        expect(statement.Effect).toBe('Allow');
        for (const action of actionsOf(statement)) {
          expect(action).not.toBe('*');
          expect(action).not.toMatch(/^[a-z0-9-]+:\*$/);
          expect(action).not.toMatch(
            /^(dynamodb:(CreateTable|DeleteTable|UpdateTable)|s3:(DeleteBucket|PutBucketPolicy|PutBucketAcl))/,
          );
        }
        for (const resource of resourcesOf(statement)) {
          expect(resource).not.toBe('*');
        }
      }
    });

    it('lets the function write logs to its own log group only (no AWSLambdaBasicExecutionRole)', () => {
      // THEN
      const roles = template.findResources('AWS::IAM::Role');
      expect(Object.keys(roles)).toHaveLength(1);
      for (const role of Object.values(roles)) {
        expect(JSON.stringify(role)).not.toMatch(/AWSLambdaBasicExecutionRole/);
      }
      const logStatements = iamStatements(template).filter((statement) =>
        actionsOf(statement).some((action) => action.startsWith('logs:')),
      );
      expect(logStatements.flatMap(actionsOf).sort()).toEqual(['logs:CreateLogStream', 'logs:PutLogEvents']);
      const logGroupArn = synthesized.stack.resolve(synthesized.pipeline.logGroup.logGroupArn);
      expect(logStatements.flatMap(resourcesOf)).toEqual([logGroupArn]);
    });

    it('alarms on failed batches, dead letters, iterator age, function errors and discarded batches', () => {
      // THEN
      template.resourceCountIs('AWS::CloudWatch::Alarm', 5);
      template.hasResourceProperties('AWS::CloudWatch::Alarm', {
        Namespace: 'Sparkless',
        MetricName: 'DeadLetters',
        Dimensions: [{ Name: 'Pipeline', Value: 'test-word-count' }],
        Statistic: 'Sum',
        Period: 300,
        Threshold: 1,
        ComparisonOperator: 'GreaterThanOrEqualToThreshold',
        TreatMissingData: 'notBreaching',
      });
      template.hasResourceProperties('AWS::CloudWatch::Alarm', {
        Namespace: 'AWS/Lambda',
        MetricName: 'IteratorAge',
        Dimensions: [{ Name: 'FunctionName', Value: ids.fn }],
        Statistic: 'Maximum',
        Period: 60,
        Threshold: 300_000,
        ComparisonOperator: 'GreaterThanThreshold',
        EvaluationPeriods: 3,
        DatapointsToAlarm: 3,
        TreatMissingData: 'notBreaching',
      });
      template.hasResourceProperties('AWS::CloudWatch::Alarm', {
        Namespace: 'AWS/Lambda',
        MetricName: 'Errors',
        Dimensions: [{ Name: 'FunctionName', Value: ids.fn }],
        Statistic: 'Sum',
        Threshold: 1,
        ComparisonOperator: 'GreaterThanOrEqualToThreshold',
      });
      template.hasResourceProperties('AWS::CloudWatch::Alarm', {
        Namespace: 'AWS/SQS',
        MetricName: 'ApproximateNumberOfMessagesVisible',
        Threshold: 1,
        ComparisonOperator: 'GreaterThanOrEqualToThreshold',
      });
    });

    it('adds no window trigger when the plan has no event-time windows', () => {
      // THEN
      template.resourceCountIs('AWS::Events::Rule', 0);
      expect(synthesized.pipeline.windowTrigger).toBeUndefined();
    });

    it('exposes the plan, the namespace and the created resources', () => {
      // THEN
      const { pipeline } = synthesized;
      expect(pipeline.plan.name).toBe('test-word-count');
      expect(pipeline.stateNamespace).toBe('test-word-count');
      expect(pipeline.stream).toBeInstanceOf(kinesis.Stream);
      expect(pipeline.stateTable).toBeInstanceOf(dynamodb.Table);
      expect(pipeline.checkpointBucket).toBeInstanceOf(s3.Bucket);
      expect(pipeline.alarms.iteratorAge?.alarmArn).toBeDefined();
      expect(pipeline.eventSource?.eventSourceMappingId).toBeDefined();
      expect(pipeline.inputBucket).toBeUndefined();
    });
  });

  describe('Given an existing stream, table and bucket', () => {
    const streamArn = 'arn:aws:kinesis:eu-west-1:123456789012:stream/words';
    let template: Template;

    beforeAll(() => {
      // GIVEN imported resources, WHEN the pipeline is synthesized
      ({ template } = synthesizePipeline({}, (stack) => ({
        stream: kinesis.Stream.fromStreamArn(stack, 'Words', streamArn),
        stateTable: dynamodb.Table.fromTableName(stack, 'State', 'existing-state'),
        checkpointBucket: s3.Bucket.fromBucketName(stack, 'Checkpoints', 'existing-checkpoints'),
      })));
    });

    it('creates no stream, table or bucket', () => {
      // THEN
      template.resourceCountIs('AWS::Kinesis::Stream', 0);
      template.resourceCountIs('AWS::DynamoDB::Table', 0);
      template.resourceCountIs('AWS::S3::Bucket', 0);
    });

    it('reads the existing stream and points the handler at the existing table and bucket', () => {
      // THEN
      template.hasResourceProperties('AWS::Lambda::EventSourceMapping', { EventSourceArn: streamArn });
      template.hasResourceProperties('AWS::Lambda::Function', {
        Environment: {
          Variables: Match.objectLike({
            SPARKLESS_STATE_TABLE: 'existing-state',
            SPARKLESS_CHECKPOINT_BUCKET: 'existing-checkpoints',
          }),
        },
      });
    });

    it('grants read on the existing stream only', () => {
      // THEN
      const kinesisStatements = iamStatements(template).filter((statement) =>
        actionsOf(statement).some((action) => action.startsWith('kinesis:')),
      );
      expect(kinesisStatements.flatMap(resourcesOf)).toEqual([streamArn]);
    });
  });

  describe('Given a plan with event-time windows', () => {
    it('invokes the function with a tick every minute by default', () => {
      // GIVEN
      const { template, stack, pipeline } = synthesizePipeline({
        plan: planFactory({ needsWindowTrigger: true }),
      });
      // THEN
      template.resourceCountIs('AWS::Events::Rule', 1);
      template.hasResourceProperties('AWS::Events::Rule', {
        ScheduleExpression: 'rate(1 minute)',
        State: 'ENABLED',
        Targets: [
          {
            Arn: stack.resolve(pipeline.lambdaFunction.functionArn),
            Id: Match.anyValue(),
            Input: JSON.stringify({ sparkless: 'tick' }),
            RetryPolicy: { MaximumRetryAttempts: 2 },
          },
        ],
      });
      template.hasResourceProperties('AWS::Lambda::Permission', {
        Action: 'lambda:InvokeFunction',
        Principal: 'events.amazonaws.com',
        SourceArn: stack.resolve(pipeline.windowTrigger?.ruleArn),
      });
      expect(pipeline.windowTrigger).toBeDefined();
    });

    it('uses windowTriggerInterval', () => {
      // GIVEN
      const { template } = synthesizePipeline({
        plan: planFactory({ needsWindowTrigger: true }),
        windowTriggerInterval: Duration.minutes(5),
      });
      // THEN
      template.hasResourceProperties('AWS::Events::Rule', { ScheduleExpression: 'rate(5 minutes)' });
    });
  });

  describe('Given custom source, function and storage props', () => {
    let synthesized: SynthesizedPipeline;
    let template: Template;

    beforeAll(() => {
      // GIVEN every optional prop set, WHEN the pipeline is synthesized
      synthesized = synthesizePipeline(
        {
          startingPosition: lambda.StartingPosition.LATEST,
          batchSize: 500,
          maxBatchingWindow: Duration.seconds(10),
          failurePolicy: FailurePolicy.DiscardAndRecover,
          retryAttempts: 3,
          maxRecordAge: Duration.hours(6),
          parallelizationFactor: 1,
          memorySize: 2048,
          timeout: Duration.minutes(5),
          stateNamespace: 'word-count-v2',
          codeVersion: 'abc1234',
          environment: { LOG_LEVEL: 'debug' },
          logRetention: logs.RetentionDays.ONE_WEEK,
          removalPolicy: RemovalPolicy.DESTROY,
          writeAheadLogRetention: Duration.days(3),
          iteratorAgeAlarmThreshold: Duration.minutes(1),
        },
        (stack) => ({
          streamProps: {
            shardCount: 4,
            encryptionKey: new kms.Key(stack, 'StreamKey'),
            retentionPeriod: Duration.days(3),
          },
        }),
      );
      template = synthesized.template;
    });

    it('configures the event source mapping from the props', () => {
      // THEN
      template.hasResourceProperties('AWS::Lambda::EventSourceMapping', {
        StartingPosition: 'LATEST',
        BatchSize: 500,
        MaximumBatchingWindowInSeconds: 10,
        MaximumRetryAttempts: 3,
        MaximumRecordAgeInSeconds: 21_600,
        ParallelizationFactor: 1,
        BisectBatchOnFunctionError: true,
        FunctionResponseTypes: ['ReportBatchItemFailures'],
      });
    });

    it('encrypts the new stream with the given key and lets the function decrypt with it', () => {
      // THEN
      const { stack, pipeline } = synthesized;
      const keyArn = stack.resolve(pipeline.stream?.encryptionKey?.keyArn);
      template.hasResourceProperties('AWS::Kinesis::Stream', {
        ShardCount: 4,
        StreamEncryption: { EncryptionType: 'KMS', KeyId: keyArn },
      });
      const kmsActions = iamStatements(template)
        .filter((statement) =>
          resourcesOf(statement).some((r) => JSON.stringify(r) === JSON.stringify(keyArn)),
        )
        .flatMap(actionsOf);
      expect(kmsActions).toContain('kms:Decrypt');
    });

    it('sizes the function and passes the namespace, code version and extra variables', () => {
      // THEN
      template.hasResourceProperties('AWS::Lambda::Function', {
        MemorySize: 2048,
        Timeout: 300,
        Environment: {
          Variables: Match.objectLike({
            LOG_LEVEL: 'debug',
            SPARKLESS_PIPELINE: 'test-word-count',
            SPARKLESS_STATE_NAMESPACE: 'word-count-v2',
            SPARKLESS_CODE_VERSION: 'abc1234',
          }),
        },
      });
      template.hasResourceProperties('AWS::Logs::LogGroup', { RetentionInDays: 7 });
    });

    it('destroys the stream, table, bucket and log group with the stack', () => {
      // THEN
      for (const type of [
        'AWS::Kinesis::Stream',
        'AWS::DynamoDB::Table',
        'AWS::S3::Bucket',
        'AWS::Logs::LogGroup',
      ]) {
        template.hasResource(type, { DeletionPolicy: 'Delete' });
      }
    });

    it('expires the write-ahead log after writeAheadLogRetention', () => {
      // THEN
      template.hasResourceProperties('AWS::S3::Bucket', {
        LifecycleConfiguration: {
          Rules: Match.arrayWith([Match.objectLike({ Prefix: 'wal/', ExpirationInDays: 3 })]),
        },
      });
    });

    it('alarms at the given iterator age', () => {
      // THEN
      template.hasResourceProperties('AWS::CloudWatch::Alarm', {
        MetricName: 'IteratorAge',
        Threshold: 60_000,
      });
    });
  });

  describe('Given RemovalPolicy.SNAPSHOT, which none of the resources supports', () => {
    it('retains the data-holding resources instead of failing', () => {
      // GIVEN
      const { template } = synthesizePipeline({ removalPolicy: RemovalPolicy.SNAPSHOT });
      // THEN
      const types = ['AWS::Kinesis::Stream', 'AWS::DynamoDB::Table', 'AWS::S3::Bucket', 'AWS::SQS::Queue'];
      for (const type of types) {
        template.hasResource(type, { DeletionPolicy: 'Retain' });
      }
    });
  });

  describe('Given FailurePolicy.DiscardAndRecover and a maxRecordAge as long as the stream retention', () => {
    it('warns that discarded batches could not be recovered', () => {
      // GIVEN the default 7-day stream and records kept up to 7 days
      const { stack } = synthesizePipeline({
        failurePolicy: FailurePolicy.DiscardAndRecover,
        maxRecordAge: Duration.days(7),
      });
      // THEN
      Annotations.fromStack(stack).hasWarning(
        '/TestStack/Pipeline',
        Match.stringLikeRegexp('maxRecordAge \\(7 days\\) is not shorter than the stream'),
      );
    });
  });

  describe('Given props that are CDK tokens', () => {
    it('skips validation and passes the tokens through', () => {
      // GIVEN a batch size known only at deploy time
      const { template } = synthesizePipeline({}, (stack) => ({
        batchSize: new CfnParameter(stack, 'BatchSize', { type: 'Number' }).valueAsNumber,
      }));
      // THEN
      template.hasResourceProperties('AWS::Lambda::EventSourceMapping', { BatchSize: { Ref: 'BatchSize' } });
    });
  });

  describe('Given invalid props', () => {
    interface InvalidCase {
      readonly title: string;
      readonly props: (stack: Stack) => Partial<StreamingPipelineProps>;
      readonly code: StreamingPipelineErrorCode;
      readonly message: RegExp;
    }

    const Code = StreamingPipelineErrorCode;
    const cases: readonly InvalidCase[] = [
      {
        title: 'retryAttempts with the default (blocking) policy',
        props: () => ({ retryAttempts: 3 }),
        code: Code.FAILURE_POLICY_CONFLICT,
        message:
          /retryAttempts only applies to FailurePolicy\.DiscardAndRecover.*\(given 3\)\. Remove retryAttempts.*or set failurePolicy: FailurePolicy\.DiscardAndRecover/,
      },
      {
        title: 'maxRecordAge with an explicit BlockUntilFixed',
        props: () => ({ failurePolicy: FailurePolicy.BlockUntilFixed, maxRecordAge: Duration.hours(1) }),
        code: Code.FAILURE_POLICY_CONFLICT,
        message: /maxRecordAge only applies to FailurePolicy\.DiscardAndRecover.*\(given 1 hour\)/,
      },
      {
        title: 'infinite retryAttempts with DiscardAndRecover',
        props: () => ({ failurePolicy: FailurePolicy.DiscardAndRecover, retryAttempts: -1 }),
        code: Code.RETRY_ATTEMPTS_OUT_OF_RANGE,
        message: /\(given -1\)\. .*FailurePolicy\.BlockUntilFixed/,
      },
      {
        title: 'BlockUntilFixed for a text-file pipeline',
        props: () => ({ plan: textFilesPlanFactory(), failurePolicy: FailurePolicy.BlockUntilFixed }),
        code: Code.FAILURE_POLICY_UNSUPPORTED,
        message:
          /failurePolicy .*asynchronous.*\(given "block-until-fixed"\)\. .*FailurePolicy\.DiscardAndRecover/,
      },
      {
        title: 'an unknown failure policy',
        props: () => ({ failurePolicy: 'skip' as FailurePolicy }),
        code: Code.FAILURE_POLICY_UNSUPPORTED,
        message: /failurePolicy must be one of .*\(given "skip"\)/,
      },
      {
        title: 'BlockUntilFixed with a write-ahead log shorter than the stream retention',
        props: () => ({
          writeAheadLogRetention: Duration.days(2),
          streamProps: { retentionPeriod: Duration.days(4) },
        }),
        code: Code.WRITE_AHEAD_LOG_SHORTER_THAN_STREAM,
        message:
          /writeAheadLogRetention .*blocked that long .*\(given 2 days\)\. Set writeAheadLogRetention to at least Duration\.days\(4\)/,
      },
      {
        title: 'DiscardAndRecover with a write-ahead log shorter than the stream retention',
        props: () => ({
          failurePolicy: FailurePolicy.DiscardAndRecover,
          writeAheadLogRetention: Duration.days(1),
          streamProps: { retentionPeriod: Duration.days(3) },
        }),
        code: Code.WRITE_AHEAD_LOG_SHORTER_THAN_STREAM,
        message:
          /writeAheadLogRetention .*\(given 1 day\)\. Set writeAheadLogRetention to at least Duration\.days\(3\)/,
      },
      {
        title: 'batchSize 0',
        props: () => ({ batchSize: 0 }),
        code: Code.BATCH_SIZE_OUT_OF_RANGE,
        message: /batchSize must be a whole number between 1 and 10000 inclusive \(given 0\)\. Set batchSize/,
      },
      {
        title: 'batchSize 10001',
        props: () => ({ batchSize: 10_001 }),
        code: Code.BATCH_SIZE_OUT_OF_RANGE,
        message: /between 1 and 10000 inclusive \(given 10001\)/,
      },
      {
        title: 'parallelizationFactor 2',
        props: () => ({ parallelizationFactor: 2 }),
        code: Code.PARALLELIZATION_FACTOR_NOT_ONE,
        message:
          /parallelizationFactor must be 1: .*per-shard order \(given 2\)\. Set parallelizationFactor to 1/,
      },
      {
        title: 'retryAttempts -1 (infinite)',
        props: () => ({ failurePolicy: FailurePolicy.DiscardAndRecover, retryAttempts: -1 }),
        code: Code.RETRY_ATTEMPTS_OUT_OF_RANGE,
        message:
          /retryAttempts must be a whole number between 0 and 10000 inclusive \(given -1\)\. .*bounded.*FailurePolicy\.BlockUntilFixed/,
      },
      {
        title: 'retryAttempts 10001',
        props: () => ({ failurePolicy: FailurePolicy.DiscardAndRecover, retryAttempts: 10_001 }),
        code: Code.RETRY_ATTEMPTS_OUT_OF_RANGE,
        message: /\(given 10001\)/,
      },
      {
        title: 'maxRecordAge 59 seconds',
        props: () => ({ failurePolicy: FailurePolicy.DiscardAndRecover, maxRecordAge: Duration.seconds(59) }),
        code: Code.MAX_RECORD_AGE_OUT_OF_RANGE,
        message: /maxRecordAge must be between 60 and 604800 seconds inclusive \(given 59 seconds\)/,
      },
      {
        title: 'maxRecordAge 8 days',
        props: () => ({ failurePolicy: FailurePolicy.DiscardAndRecover, maxRecordAge: Duration.days(8) }),
        code: Code.MAX_RECORD_AGE_OUT_OF_RANGE,
        message:
          /maxRecordAge .*\(given 8 days\)\. Set maxRecordAge between Duration\.seconds\(60\) and Duration\.days\(7\)/,
      },
      {
        title: 'maxBatchingWindow 301 seconds',
        props: () => ({ maxBatchingWindow: Duration.seconds(301) }),
        code: Code.MAX_BATCHING_WINDOW_OUT_OF_RANGE,
        message: /maxBatchingWindow must be between 0 and 300 seconds inclusive \(given 5 minutes 1 second\)/,
      },
      {
        title: 'timeout 16 minutes',
        props: () => ({ timeout: Duration.minutes(16) }),
        code: Code.TIMEOUT_OUT_OF_RANGE,
        message:
          /timeout must be between 1 and 900 seconds inclusive \(given 16 minutes\)\. Set timeout to at most/,
      },
      {
        title: 'memorySize 64',
        props: () => ({ memorySize: 64 }),
        code: Code.MEMORY_SIZE_OUT_OF_RANGE,
        message: /memorySize must be a whole number between 128 and 10240 inclusive \(given 64\)/,
      },
      {
        title: 'a plan name with spaces',
        props: () => ({ plan: planFactory({ name: 'word count!' }) }),
        code: Code.INVALID_PLAN_NAME,
        message:
          /plan\.name must be 1 to 64 letters, .*\(given "word count!"\)\. Rename it, e\.g\. "word-count-"/,
      },
      {
        title: 'an empty state namespace',
        props: () => ({ stateNamespace: '' }),
        code: Code.INVALID_STATE_NAMESPACE,
        message: /stateNamespace must be 1 to 64 letters, .*\(given ""\)/,
      },
      {
        title: 'both stream and streamProps',
        props: (stack) => ({
          stream: kinesis.Stream.fromStreamArn(
            stack,
            'Words',
            'arn:aws:kinesis:eu-west-1:123456789012:stream/words',
          ),
          streamProps: { shardCount: 2 },
        }),
        code: Code.STREAM_AND_STREAM_PROPS,
        message:
          /stream and streamProps are mutually exclusive \(given both stream and streamProps\)\. Pass stream/,
      },
      {
        title: 'an unencrypted stream',
        props: () => ({ streamProps: { encryption: kinesis.StreamEncryption.UNENCRYPTED } }),
        code: Code.UNENCRYPTED_STREAM,
        message: /streamProps\.encryption must not be UNENCRYPTED \(given StreamEncryption\.UNENCRYPTED\)/,
      },
      {
        title: 'windowTriggerInterval 10 seconds',
        props: () => ({
          plan: planFactory({ needsWindowTrigger: true }),
          windowTriggerInterval: Duration.seconds(10),
        }),
        code: Code.INVALID_WINDOW_TRIGGER_INTERVAL,
        message: /windowTriggerInterval must be a whole number of minutes, at least 1 .*\(given 10 seconds\)/,
      },
      {
        title: 'windowTriggerInterval 90 seconds',
        props: () => ({ windowTriggerInterval: Duration.seconds(90) }),
        code: Code.INVALID_WINDOW_TRIGGER_INTERVAL,
        message: /\(given 1 minute 30 seconds\)\. Set windowTriggerInterval to Duration\.minutes\(1\)/,
      },
      {
        title: 'writeAheadLogRetention 12 hours',
        props: () => ({ writeAheadLogRetention: Duration.hours(12) }),
        code: Code.INVALID_WRITE_AHEAD_LOG_RETENTION,
        message: /writeAheadLogRetention must be a whole number of days, at least 1 .*\(given 12 hours\)/,
      },
      {
        title: 'iteratorAgeAlarmThreshold 0',
        props: () => ({ iteratorAgeAlarmThreshold: Duration.seconds(0) }),
        code: Code.INVALID_ITERATOR_AGE_ALARM_THRESHOLD,
        message: /iteratorAgeAlarmThreshold must be positive \(given 0 seconds\)/,
      },
      {
        title: 'a reserved environment variable',
        props: () => ({ environment: { SPARKLESS_PIPELINE: 'other', DEBUG: '1' } }),
        code: Code.RESERVED_ENVIRONMENT_VARIABLE,
        message: /environment must not set the variables the construct sets \(given SPARKLESS_PIPELINE\)/,
      },
      {
        title: 'a source the construct cannot wire',
        props: () => ({ plan: planFactory({ source: { kind: 'kafka' } as unknown as SourceDescriptor }) }),
        code: Code.UNSUPPORTED_SOURCE,
        message:
          /plan\.source\.kind is not a source this construct can wire \(given "kafka"\)\. Build the pipeline with fromKinesis\(\) or fromTextFiles/,
      },
      {
        title: 'batchSize for a text-file pipeline',
        props: () => ({ plan: textFilesPlanFactory(), batchSize: 500 }),
        code: Code.KINESIS_PROP_FOR_TEXT_FILES,
        message:
          /batchSize applies to Kinesis pipelines only, but plan\.source is text files under "input\/" \(given 500\)\. Remove batchSize, or build the pipeline with fromKinesis\(\)/,
      },
      {
        title: 'retryAttempts for a text-file pipeline',
        props: () => ({ plan: textFilesPlanFactory(), retryAttempts: 3 }),
        code: Code.KINESIS_PROP_FOR_TEXT_FILES,
        message: /Remove retryAttempts \(use asyncRetryAttempts \(0 to 2\) for this source\)/,
      },
      {
        title: 'a stream for a text-file pipeline',
        props: (stack) => ({
          plan: textFilesPlanFactory(),
          stream: kinesis.Stream.fromStreamArn(
            stack,
            'Words',
            'arn:aws:kinesis:eu-west-1:123456789012:stream/words',
          ),
        }),
        code: Code.KINESIS_PROP_FOR_TEXT_FILES,
        message:
          /stream applies to Kinesis pipelines only, .*\(given the construct TestStack\/Words\)\. Remove stream \(use inputBucket/,
      },
      {
        title: 'inputBucket for a Kinesis pipeline',
        props: (stack) => ({ inputBucket: s3.Bucket.fromBucketName(stack, 'Input', 'words-input') }),
        code: Code.TEXT_FILES_PROP_FOR_KINESIS,
        message:
          /inputBucket applies to text-file pipelines only, but plan\.source is a Kinesis stream \(given the construct TestStack\/Input\)\. Remove inputBucket .*fromTextFiles\(\{ prefix \}\)/,
      },
      {
        title: 'maxEventAge for a Kinesis pipeline',
        props: () => ({ maxEventAge: Duration.hours(1) }),
        code: Code.TEXT_FILES_PROP_FOR_KINESIS,
        message:
          /maxEventAge applies to text-file pipelines only, .*\(given 1 hour\)\. Remove maxEventAge \(use maxRecordAge/,
      },
      {
        title: 'asyncRetryAttempts 3',
        props: () => ({ plan: textFilesPlanFactory(), asyncRetryAttempts: 3 }),
        code: Code.ASYNC_RETRY_ATTEMPTS_OUT_OF_RANGE,
        message:
          /asyncRetryAttempts must be a whole number between 0 and 2 inclusive \(given 3\)\. Set asyncRetryAttempts to 0, 1 or 2/,
      },
      {
        title: 'maxEventAge 7 hours',
        props: () => ({ plan: textFilesPlanFactory(), maxEventAge: Duration.hours(7) }),
        code: Code.MAX_EVENT_AGE_OUT_OF_RANGE,
        message: /maxEventAge must be between 60 and 21600 seconds inclusive \(given 7 hours\)/,
      },
      {
        title: 'the checkpoint bucket as input bucket',
        props: (stack) => {
          const bucket = s3.Bucket.fromBucketName(stack, 'Shared', 'shared-bucket');
          return { plan: textFilesPlanFactory(), inputBucket: bucket, checkpointBucket: bucket };
        },
        code: Code.INPUT_BUCKET_IS_CHECKPOINT_BUCKET,
        message:
          /inputBucket must not be the checkpoint bucket: .*write-ahead log.* \(given "shared-bucket"\)\. Pass a separate inputBucket/,
      },
      {
        title: 'input and checkpoint buckets with the same name',
        props: (stack) => ({
          plan: textFilesPlanFactory(),
          inputBucket: s3.Bucket.fromBucketName(stack, 'In', 'same-name'),
          checkpointBucket: s3.Bucket.fromBucketName(stack, 'Checkpoints', 'same-name'),
        }),
        code: Code.INPUT_BUCKET_IS_CHECKPOINT_BUCKET,
        message: /inputBucket must not be the checkpoint bucket/,
      },
      {
        title: 'windowIdleTimeout 500 milliseconds',
        props: () => ({
          plan: planFactory({ needsWindowTrigger: true }),
          windowIdleTimeout: Duration.millis(500),
        }),
        code: Code.WINDOW_IDLE_TIMEOUT_OUT_OF_RANGE,
        message:
          /windowIdleTimeout must be a whole number of milliseconds between 1000 \(1 second\) and 86400000 \(1 day\) inclusive \(given 500 millis\)\. Set windowIdleTimeout between Duration\.seconds\(1\) and Duration\.days\(1\)/,
      },
      {
        title: 'windowIdleTimeout 2 days',
        props: () => ({
          plan: planFactory({ needsWindowTrigger: true }),
          windowIdleTimeout: Duration.days(2),
        }),
        code: Code.WINDOW_IDLE_TIMEOUT_OUT_OF_RANGE,
        message: /windowIdleTimeout .*\(given 2 days\)/,
      },
      {
        title: 'a fractional windowIdleTimeout',
        props: () => ({
          plan: planFactory({ needsWindowTrigger: true }),
          windowIdleTimeout: Duration.millis(1500.5),
        }),
        code: Code.WINDOW_IDLE_TIMEOUT_OUT_OF_RANGE,
        message: /windowIdleTimeout must be a whole number of milliseconds/,
      },
      {
        title: 'a result table partition key without a name',
        props: () => ({ resultTable: { partitionKey: { name: '', type: dynamodb.AttributeType.STRING } } }),
        code: Code.INVALID_RESULT_TABLE_KEY,
        message:
          /resultTable\.partitionKey\.name must be 1 to 255 bytes long .*\(given ""\)\. Set resultTable\.partitionKey\.name to the attribute name/,
      },
      {
        title: 'a result table sort key named like its partition key',
        props: () => ({
          resultTable: {
            partitionKey: { name: 'action', type: dynamodb.AttributeType.STRING },
            sortKey: { name: 'action', type: dynamodb.AttributeType.STRING },
          },
        }),
        code: Code.INVALID_RESULT_TABLE_KEY,
        message:
          /resultTable\.sortKey\.name must differ from resultTable\.partitionKey\.name \(given "action"\)\. Name the second key attribute differently, or omit sortKey/,
      },
      {
        title: 'the state table as result table',
        props: (stack) => {
          const table = dynamodb.Table.fromTableName(stack, 'Shared', 'shared-table');
          return { stateTable: table, resultTable: table };
        },
        code: Code.RESULT_TABLE_IS_STATE_TABLE,
        message:
          /resultTable must not be the state table: .* \(given "shared-table"\)\. Pass a separate table, or the key schema/,
      },
      {
        title: 'result and state tables with the same name',
        props: (stack) => ({
          stateTable: dynamodb.Table.fromTableName(stack, 'State', 'same-name'),
          resultTable: dynamodb.Table.fromTableName(stack, 'Results', 'same-name'),
        }),
        code: Code.RESULT_TABLE_IS_STATE_TABLE,
        message: /resultTable must not be the state table/,
      },
      {
        title: 'a reference in a bucket with an invalid name',
        props: () => ({
          plan: planFactory({
            references: [
              {
                name: 'blacklist',
                source: { kind: 's3-json', bucket: 'My_Bucket', key: 'blacklist.json' },
                refreshIntervalMs: 60_000,
              },
            ],
          }),
        }),
        code: Code.INVALID_REFERENCE_SOURCE,
        message:
          /plan\.references\[0\]\.source\.bucket of reference data "blacklist" is not an S3 bucket name .*\(given "My_Bucket"\)\. Declare the source with s3Json/,
      },
      {
        title: 'a reference with an empty key',
        props: () => ({
          plan: planFactory({
            references: [
              {
                name: 'names',
                source: { kind: 's3-json', bucket: 'ref-data', key: '' },
                refreshIntervalMs: 0,
              },
            ],
          }),
        }),
        code: Code.INVALID_REFERENCE_SOURCE,
        message:
          /plan\.references\[0\]\.source\.key of reference data "names" must name an object \(given ""\)/,
      },
      {
        title: 'a reference table with an invalid name',
        props: () => ({
          plan: planFactory({
            references: [
              { name: 'static', source: { kind: 'static', value: [] }, refreshIntervalMs: 0 },
              {
                name: 'devices',
                source: { kind: 'dynamodb-table', tableName: 'no spaces', keyAttribute: 'id' },
                refreshIntervalMs: 60_000,
              },
            ],
          }),
        }),
        code: Code.INVALID_REFERENCE_SOURCE,
        message:
          /plan\.references\[1\]\.source\.tableName of reference data "devices" is not a DynamoDB table name .*\(given "no spaces"\)\. Declare the source with dynamoDbTable/,
      },
      {
        title: 'a text-file prefix with another scheme',
        props: () => ({ plan: planFactory({ textFilePrefixes: ['hdfs://namenode/out/counts'] }) }),
        code: Code.INVALID_TEXT_FILE_PREFIX,
        message:
          /plan\.textFilePrefixes\[0\] is not a prefix saveAsTextFiles can write under: .*scheme other than .*\(given "hdfs:\/\/namenode\/out\/counts"\)\. Pass saveAsTextFiles an s3:\/\/<bucket>\/<path> URL/,
      },
      {
        title: 'a text-file prefix naming a bucket only',
        props: () => ({ plan: planFactory({ textFilePrefixes: ['s3://results'] }) }),
        code: Code.INVALID_TEXT_FILE_PREFIX,
        message: /has no key part: .*\(given "s3:\/\/results"\)/,
      },
      {
        title: "a text-file prefix under Sparkless' own prefixes",
        props: () => ({ plan: planFactory({ textFilePrefixes: ['out/ok', 'wal/counts'] }) }),
        code: Code.INVALID_TEXT_FILE_PREFIX,
        message:
          /plan\.textFilePrefixes\[1\] .*lies under "wal\/".*\(given "wal\/counts"\)\. .*outside wal\/, dead-letter\/, late-data\/, checkpoints\/, on-failure\//,
      },
      {
        title: 'an alarm email with a display name',
        props: () => ({ alarmEmail: 'On Call <oncall@example.com>' }),
        code: Code.INVALID_ALARM_EMAIL,
        message:
          /alarmEmail must be one email address .*\(given "On Call <oncall@example.com>"\)\. Set alarmEmail to one address such as "oncall@example.com"/,
      },
      {
        title: 'an alarm email list',
        props: () => ({ alarmEmail: 'a@example.com,b@example.com' }),
        code: Code.INVALID_ALARM_EMAIL,
        message: /alarmEmail must be one email address .*subscribe more addresses to pipeline\.alarmTopic/,
      },
      {
        title: 'an alarm email without a domain',
        props: () => ({ alarmEmail: 'oncall' }),
        code: Code.INVALID_ALARM_EMAIL,
        message: /alarmEmail must be one email address/,
      },
      {
        title: 'the reserved result table variable',
        props: () => ({ environment: { SPARKLESS_RESULT_TABLE: 'mine' } }),
        code: Code.RESERVED_ENVIRONMENT_VARIABLE,
        message:
          /environment must not set the variables the construct sets \(given SPARKLESS_RESULT_TABLE\)\. .*resultTable and windowIdleTimeout/,
      },
    ];

    it.each(cases)('refuses $title', ({ props, message }) => {
      // GIVEN
      const stack = newTestStack();
      // WHEN / THEN
      expect(() => new StreamingPipeline(stack, 'Pipeline', pipelinePropsFactory(props(stack)))).toThrow(
        message,
      );
    });

    it.each(cases)('reports $title with code $code and the construct path', ({ props, code }) => {
      // GIVEN
      const stack = newTestStack();
      // WHEN
      const error = thrownBy(
        () => new StreamingPipeline(stack, 'Pipeline', pipelinePropsFactory(props(stack))),
      );
      // THEN
      expect(error).toBeInstanceOf(StreamingPipelineValidationError);
      expect(error).toBeInstanceOf(StreamingPipelineError);
      expect(error).toMatchObject({ code, constructPath: 'TestStack/Pipeline' });
      expect(String((error as Error).message)).toMatch(/^TestStack\/Pipeline: /);
    });

    it('covers every validation error code', () => {
      // THEN
      expect(new Set(cases.map((c) => c.code))).toEqual(new Set(Object.values(StreamingPipelineErrorCode)));
    });
  });
});
