import type { RemovalPolicy } from 'aws-cdk-lib';
import * as s3 from 'aws-cdk-lib/aws-s3';
import type { Construct } from 'constructs';
import { StreamingPipelineDefaults } from './constants';

/**
 * Creates the input bucket of a text-file pipeline: S3-managed encryption, all public access
 * blocked, bucket-owner-enforced ownership, SSL enforced, incomplete multipart uploads aborted after
 * a day. Not versioned: a new version of a file is a new file to the pipeline, whatever the bucket
 * keeps.
 *
 * @param scope - the pipeline construct
 * @param removalPolicy - what happens to the bucket (and the files in it) when it leaves the stack
 */
export function createInputBucket(scope: Construct, removalPolicy: RemovalPolicy): s3.Bucket {
  return new s3.Bucket(scope, 'InputBucket', {
    encryption: s3.BucketEncryption.S3_MANAGED,
    blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
    objectOwnership: s3.ObjectOwnership.BUCKET_OWNER_ENFORCED,
    enforceSSL: true,
    removalPolicy,
    lifecycleRules: [
      {
        id: 'AbortIncompleteMultipartUploads',
        abortIncompleteMultipartUploadAfter: StreamingPipelineDefaults.INPUT_UPLOADS_ABORT_AFTER,
      },
    ],
  });
}
