import { Duration, RemovalPolicy } from 'aws-cdk-lib';
import { Annotations, Match, type Template } from 'aws-cdk-lib/assertions';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { beforeAll, describe, expect, it } from 'vitest';
import { type SynthesizedPipeline, synthesizePipeline, textFilesPlanFactory } from './support';

interface PolicyStatement {
  readonly Effect: string;
  readonly Action: string | readonly string[];
  readonly Resource: unknown;
}

/** Every statement of every `AWS::IAM::Policy` in the template. */
function iamStatements(template: Template): PolicyStatement[] {
  const policies = template.findResources('AWS::IAM::Policy') as Record<
    string,
    { Properties: { PolicyDocument: { Statement: PolicyStatement[] } } }
  >;
  return Object.values(policies).flatMap((policy) => policy.Properties.PolicyDocument.Statement);
}

const actionsOf = (statement: PolicyStatement): readonly string[] =>
  typeof statement.Action === 'string' ? [statement.Action] : statement.Action;

const resourcesOf = (statement: PolicyStatement): readonly unknown[] =>
  Array.isArray(statement.Resource) ? statement.Resource : [statement.Resource];

/** The actions allowed on exactly `resource` (compared as resolved JSON). */
function actionsAllowedOn(template: Template, resource: unknown): string[] {
  return iamStatements(template)
    .filter((statement) => resourcesOf(statement).some((r) => JSON.stringify(r) === JSON.stringify(resource)))
    .flatMap(actionsOf);
}

describe('Construct: StreamingPipeline (text-file source)', () => {
  describe('Given a text-file plan and the default props', () => {
    let synthesized: SynthesizedPipeline;
    let template: Template;
    let ids: {
      inputBucket: unknown;
      inputBucketArn: unknown;
      fnArn: unknown;
      fn: unknown;
      queueArn: unknown;
    };

    beforeAll(() => {
      // GIVEN a plan reading text files under input/, WHEN the pipeline is synthesized with no other prop
      synthesized = synthesizePipeline({ plan: textFilesPlanFactory() });
      template = synthesized.template;
      const { stack, pipeline } = synthesized;
      ids = {
        inputBucket: stack.resolve(pipeline.inputBucket?.bucketName),
        inputBucketArn: stack.resolve(pipeline.inputBucket?.bucketArn),
        fnArn: stack.resolve(pipeline.lambdaFunction.functionArn),
        fn: stack.resolve(pipeline.lambdaFunction.functionName),
        queueArn: stack.resolve(pipeline.deadLetterQueue.queueArn),
      };
    });

    it('creates no stream and no event source mapping', () => {
      // THEN
      template.resourceCountIs('AWS::Kinesis::Stream', 0);
      template.resourceCountIs('AWS::Lambda::EventSourceMapping', 0);
      expect(synthesized.pipeline.stream).toBeUndefined();
      expect(synthesized.pipeline.eventSource).toBeUndefined();
    });

    it('creates an encrypted, private, retained, versioned input bucket next to the checkpoint bucket', () => {
      // THEN
      template.resourceCountIs('AWS::S3::Bucket', 2);
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
          OwnershipControls: { Rules: [{ ObjectOwnership: 'BucketOwnerEnforced' }] },
          LifecycleConfiguration: {
            Rules: Match.arrayWith([
              Match.objectLike({ AbortIncompleteMultipartUpload: { DaysAfterInitiation: 1 } }),
              // overwritten versions outlive the dead-letter queue (14 days), so recovery can still read them
              Match.objectLike({
                NoncurrentVersionExpiration: { NoncurrentDays: 30 },
                ExpiredObjectDeleteMarker: true,
              }),
            ]),
          },
          VersioningConfiguration: { Status: 'Enabled' },
        },
        DeletionPolicy: 'Retain',
      });
      expect(synthesized.pipeline.inputBucket).toBeInstanceOf(s3.Bucket);
      expect(synthesized.pipeline.inputPrefix).toBe('input/');
    });

    it('denies non-SSL access to the input bucket', () => {
      // THEN
      template.hasResourceProperties('AWS::S3::BucketPolicy', {
        Bucket: ids.inputBucket,
        PolicyDocument: {
          Statement: Match.arrayWith([
            Match.objectLike({
              Effect: 'Deny',
              Action: 's3:*',
              Condition: { Bool: { 'aws:SecureTransport': 'false' } },
            }),
          ]),
        },
      });
    });

    it('notifies the function of objects created under the prefix, and lets S3 invoke it', () => {
      // THEN
      template.resourceCountIs('Custom::S3BucketNotifications', 1);
      template.hasResourceProperties('Custom::S3BucketNotifications', {
        BucketName: ids.inputBucket,
        NotificationConfiguration: {
          LambdaFunctionConfigurations: [
            {
              Events: ['s3:ObjectCreated:*'],
              Filter: { Key: { FilterRules: [{ Name: 'prefix', Value: 'input/' }] } },
              LambdaFunctionArn: ids.fnArn,
            },
          ],
        },
      });
      template.hasResourceProperties('AWS::Lambda::Permission', {
        Action: 'lambda:InvokeFunction',
        FunctionName: ids.fnArn,
        Principal: 's3.amazonaws.com',
        SourceArn: ids.inputBucketArn,
      });
    });

    it('grants the function read on the objects under the prefix only, and no write on the input bucket', () => {
      // THEN
      const underPrefix = { 'Fn::Join': ['', [ids.inputBucketArn, '/input/*']] };
      expect(actionsAllowedOn(template, underPrefix)).toEqual(['s3:GetObject', 's3:GetObjectVersion']);
      // (s3:PutBucketNotification is the notifications custom resource's, not the function's)
      expect(actionsAllowedOn(template, ids.inputBucketArn)).toEqual([
        's3:ListBucket',
        's3:PutBucketNotification',
      ]);
      const onInput = iamStatements(template)
        .filter((statement) =>
          resourcesOf(statement).some((r) => JSON.stringify(r).includes(JSON.stringify(ids.inputBucketArn))),
        )
        .filter((statement) => statement.Effect === 'Allow')
        .flatMap(actionsOf);
      expect(
        onInput.filter((action) => /Put|Delete|Abort/.test(action) && action !== 's3:PutBucketNotification'),
      ).toEqual([]);
    });

    it('bounds asynchronous invocations: 2 retries, 6 hours, then the SQS dead-letter queue', () => {
      // THEN
      template.resourceCountIs('AWS::Lambda::EventInvokeConfig', 1);
      template.hasResourceProperties('AWS::Lambda::EventInvokeConfig', {
        FunctionName: ids.fn,
        Qualifier: '$LATEST',
        MaximumRetryAttempts: 2,
        MaximumEventAgeInSeconds: 21_600,
        DestinationConfig: { OnFailure: { Destination: ids.queueArn } },
      });
      expect(actionsAllowedOn(template, ids.queueArn)).toContain('sqs:SendMessage');
      template.hasResource('AWS::SQS::Queue', {
        Properties: { SqsManagedSseEnabled: true, MessageRetentionPeriod: 1_209_600 },
        DeletionPolicy: 'Retain',
      });
    });

    it('gives the function 5 minutes and the same Sparkless environment as a Kinesis pipeline', () => {
      // THEN
      const { stack, pipeline } = synthesized;
      template.hasResourceProperties('AWS::Lambda::Function', {
        Handler: 'index.handler',
        Timeout: 300,
        Environment: {
          Variables: Match.objectEquals({
            NODE_OPTIONS: '--enable-source-maps',
            SPARKLESS_PIPELINE: 'test-file-word-count',
            SPARKLESS_STATE_TABLE: stack.resolve(pipeline.stateTable.tableName),
            SPARKLESS_CHECKPOINT_BUCKET: stack.resolve(pipeline.checkpointBucket.bucketName),
            SPARKLESS_STATE_NAMESPACE: 'test-file-word-count',
          }),
        },
      });
    });

    it('alarms on failed objects, dead letters, errors and discarded events, not on iterator age', () => {
      // THEN
      template.resourceCountIs('AWS::CloudWatch::Alarm', 4);
      template.hasResourceProperties('AWS::CloudWatch::Alarm', {
        MetricName: 'DeadLetters',
        AlarmDescription: Match.stringLikeRegexp('dead-lettered records or elements'),
      });
      template.hasResourceProperties('AWS::CloudWatch::Alarm', {
        MetricName: 'Errors',
        AlarmDescription: Match.stringLikeRegexp('retries the event up to asyncRetryAttempts'),
      });
      template.hasResourceProperties('AWS::CloudWatch::Alarm', {
        MetricName: 'ApproximateNumberOfMessagesVisible',
        AlarmDescription: Match.stringLikeRegexp('sent an S3 event to the dead-letter queue'),
      });
      expect(synthesized.pipeline.alarms.iteratorAge).toBeUndefined();
    });
  });

  describe('Given an existing input bucket and custom source props', () => {
    let synthesized: SynthesizedPipeline;

    beforeAll(() => {
      // GIVEN
      synthesized = synthesizePipeline(
        {
          plan: textFilesPlanFactory({ source: { kind: 'text-files', prefix: 'new files/' } }),
          asyncRetryAttempts: 0,
          maxEventAge: Duration.hours(1),
          timeout: Duration.minutes(15),
        },
        (stack) => ({ inputBucket: s3.Bucket.fromBucketName(stack, 'Input', 'existing-input') }),
      );
    });

    it('creates no input bucket and adds the notification to the existing one', () => {
      // THEN
      const { template } = synthesized;
      template.resourceCountIs('AWS::S3::Bucket', 1);
      template.hasResourceProperties('Custom::S3BucketNotifications', {
        BucketName: 'existing-input',
        Managed: false,
      });
    });

    it('URL-encodes the prefix filter the way S3 expects it (a space as +)', () => {
      // THEN
      synthesized.template.hasResourceProperties('Custom::S3BucketNotifications', {
        NotificationConfiguration: {
          LambdaFunctionConfigurations: [
            Match.objectLike({ Filter: { Key: { FilterRules: [{ Name: 'prefix', Value: 'new+files/' }] } } }),
          ],
        },
      });
    });

    it('uses the retry, event age and timeout props', () => {
      // THEN
      const { template } = synthesized;
      template.hasResourceProperties('AWS::Lambda::EventInvokeConfig', {
        MaximumRetryAttempts: 0,
        MaximumEventAgeInSeconds: 3600,
      });
      template.hasResourceProperties('AWS::Lambda::Function', { Timeout: 900 });
    });

    it('grants read on the existing bucket under the prefix', () => {
      // THEN
      const underPrefix = iamStatements(synthesized.template).filter((statement) =>
        resourcesOf(statement).some((r) => /existing-input\/new files\/\*/.test(JSON.stringify(r))),
      );
      expect(underPrefix.flatMap(actionsOf)).toEqual(['s3:GetObject', 's3:GetObjectVersion']);
    });
  });

  describe('Given an input bucket of the app without versioning', () => {
    it('warns that overwritten files lose versions, naming the fix', () => {
      // GIVEN
      const { stack } = synthesizePipeline({ plan: textFilesPlanFactory() }, (scope) => ({
        inputBucket: new s3.Bucket(scope, 'Unversioned'),
      }));
      // THEN
      Annotations.fromStack(stack).hasWarning(
        '/TestStack/Pipeline',
        Match.stringLikeRegexp(
          'inputBucket .* is not versioned: .*overwritten before its notification is processed is dead-lettered.*versioned: true',
        ),
      );
    });

    it('does not warn about a versioned one', () => {
      // GIVEN
      const { stack } = synthesizePipeline({ plan: textFilesPlanFactory() }, (scope) => ({
        inputBucket: new s3.Bucket(scope, 'Versioned', { versioned: true }),
      }));
      // THEN
      Annotations.fromStack(stack).hasNoWarning('*', Match.stringLikeRegexp('is not versioned'));
    });
  });

  describe('Given an empty prefix and RemovalPolicy.DESTROY', () => {
    it('notifies the function of every new object and destroys the input bucket with the stack', () => {
      // GIVEN
      const { template } = synthesizePipeline({
        plan: textFilesPlanFactory({ source: { kind: 'text-files', prefix: '' } }),
        removalPolicy: RemovalPolicy.DESTROY,
      });
      // THEN
      template.hasResourceProperties('Custom::S3BucketNotifications', {
        NotificationConfiguration: {
          LambdaFunctionConfigurations: [
            Match.objectEquals({ Events: ['s3:ObjectCreated:*'], LambdaFunctionArn: Match.anyValue() }),
          ],
        },
      });
      template.allResources('AWS::S3::Bucket', { DeletionPolicy: 'Delete' });
    });
  });
});
