import { Annotations, type RemovalPolicy, Tokenization } from 'aws-cdk-lib';
import * as s3 from 'aws-cdk-lib/aws-s3';
import type { Construct } from 'constructs';
import { StreamingPipelineDefaults } from './constants';

/**
 * Creates the input bucket of a text-file pipeline: S3-managed encryption, all public access
 * blocked, bucket-owner-enforced ownership, SSL enforced, incomplete multipart uploads aborted after
 * a day, and versioned: the handler reads the exact version each notification names, so a file
 * overwritten before its notification is processed loses no version (each is counted once).
 * Overwritten versions expire after 30 days, longer than the dead-letter queue keeps a failed
 * event (14 days), so a recovery can still read them.
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
    versioned: true,
    removalPolicy,
    lifecycleRules: [
      {
        id: 'AbortIncompleteMultipartUploads',
        abortIncompleteMultipartUploadAfter: StreamingPipelineDefaults.INPUT_UPLOADS_ABORT_AFTER,
      },
      {
        id: 'ExpireNoncurrentVersions',
        noncurrentVersionExpiration: StreamingPipelineDefaults.NONCURRENT_VERSION_RETENTION,
        expiredObjectDeleteMarker: true,
      },
    ],
  });
}

/**
 * Warns at synth when the input bucket given is known not to be versioned (a `Bucket` of the same
 * app without `versioned: true`). An imported bucket's versioning cannot be known at synth; the
 * handler reads exact versions there whenever the notifications carry them.
 *
 * @param scope - the pipeline construct (the warning's path)
 * @param bucket - the input bucket given in the props
 */
export function warnIfUnversioned(scope: Construct, bucket: s3.IBucket): void {
  if (!(bucket instanceof s3.Bucket)) return;
  const versioning = (bucket.node.defaultChild as s3.CfnBucket | undefined)?.versioningConfiguration;
  if (
    versioning !== undefined &&
    (Tokenization.isResolvable(versioning) || versioning.status === 'Enabled')
  ) {
    return;
  }
  Annotations.of(scope).addWarningV2(
    'sparkless:inputBucketNotVersioned',
    `inputBucket (${bucket.node.path}) is not versioned: a file overwritten before its notification is processed ` +
      'is dead-lettered (OBJECT_VERSION_GONE) instead of counted, since only its latest version can be read. ' +
      'Create the bucket with versioned: true (and a noncurrentVersionExpiration lifecycle rule), or omit inputBucket for a new versioned one.',
  );
}
