import type { RemovalPolicy } from 'aws-cdk-lib';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import { SqsDestination } from 'aws-cdk-lib/aws-lambda-destinations';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { LambdaDestination } from 'aws-cdk-lib/aws-s3-notifications';
import type * as sqs from 'aws-cdk-lib/aws-sqs';
import type { Construct } from 'constructs';
import { encodeS3EventKey } from '../../lib/sources/s3-files/object-key';
import { BucketAccessActions, grantBucketAccess } from './bucket-access';
import { StreamingPipelineDefaults } from './constants';
import { createInputBucket, warnIfUnversioned } from './input-bucket';
import type { TextFilesSourceProps } from './types';

/** Options of {@link wireTextFilesSource}. */
export interface TextFilesSourceOptions {
  /** The source props of the pipeline. */
  readonly props: TextFilesSourceProps;
  /** The key prefix the pipeline reads (`fromTextFiles({ prefix })`). */
  readonly prefix: string;
  /** The pipeline's function. */
  readonly lambdaFunction: lambda.Function;
  /** The on-failure destination of the function's asynchronous invocations. */
  readonly deadLetterQueue: sqs.IQueue;
  /** What happens to a new input bucket when it leaves the stack. */
  readonly removalPolicy: RemovalPolicy;
}

/**
 * Creates (or takes) the input bucket, sends its `ObjectCreated` notifications under the prefix to
 * the function, grants the function read access to the objects under the prefix only, and bounds
 * the function's asynchronous invocations: `asyncRetryAttempts` retries, `maxEventAge`, then the
 * event goes to the SQS dead-letter queue (the on-failure destination), from which
 * `npx sparkless recover <pipeline>` processes it again (S3 invokes asynchronously, so text-file
 * pipelines run under `FailurePolicy.DiscardAndRecover`).
 *
 * The notification's prefix filter is URL-encoded the way S3 expects it (a space as `+`).
 *
 * @param scope - the pipeline construct
 * @param options - the source props, the prefix, the function, the queue and the removal policy
 * @returns the input bucket
 */
export function wireTextFilesSource(scope: Construct, options: TextFilesSourceOptions): s3.IBucket {
  const { props, prefix, lambdaFunction } = options;
  if (props.inputBucket !== undefined) warnIfUnversioned(scope, props.inputBucket);
  const bucket = props.inputBucket ?? createInputBucket(scope, options.removalPolicy);
  bucket.addEventNotification(
    s3.EventType.OBJECT_CREATED,
    new LambdaDestination(lambdaFunction),
    ...(prefix === '' ? [] : [{ prefix: encodeS3EventKey(prefix) }]),
  );
  grantBucketAccess(bucket, lambdaFunction, {
    objectActions: BucketAccessActions.INPUT_OBJECTS,
    keyPattern: `${prefix}*`,
    write: false,
  });
  lambdaFunction.configureAsyncInvoke({
    retryAttempts: props.asyncRetryAttempts ?? StreamingPipelineDefaults.ASYNC_RETRY_ATTEMPTS,
    maxEventAge: props.maxEventAge ?? StreamingPipelineDefaults.MAX_EVENT_AGE,
    onFailure: new SqsDestination(options.deadLetterQueue),
  });
  return bucket;
}
