import type { Duration, RemovalPolicy } from 'aws-cdk-lib';
import * as s3 from 'aws-cdk-lib/aws-s3';
import type { Construct } from 'constructs';
import { CheckpointBucketPrefix, StreamingPipelineDefaults } from './constants';

/** Options of {@link createCheckpointBucket}. */
export interface CheckpointBucketOptions {
  /** What happens to the bucket when it leaves the stack. */
  readonly removalPolicy: RemovalPolicy;
  /** How long objects under `wal/` live. */
  readonly writeAheadLogRetention: Duration;
}

/**
 * Creates the bucket for metadata checkpoints, the write-ahead log and dead letters: S3-managed
 * encryption, all public access blocked, SSL enforced, versioned. `wal/` expires after
 * `writeAheadLogRetention`; `dead-letter/` never expires (no silent loss); overwritten checkpoint
 * versions are kept for 30 days.
 *
 * @param scope - the pipeline construct
 * @param options - removal policy and write-ahead log retention
 */
export function createCheckpointBucket(scope: Construct, options: CheckpointBucketOptions): s3.Bucket {
  return new s3.Bucket(scope, 'CheckpointBucket', {
    encryption: s3.BucketEncryption.S3_MANAGED,
    blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
    objectOwnership: s3.ObjectOwnership.BUCKET_OWNER_ENFORCED,
    enforceSSL: true,
    versioned: true,
    removalPolicy: options.removalPolicy,
    lifecycleRules: [
      {
        id: 'ExpireWriteAheadLog',
        prefix: CheckpointBucketPrefix.WRITE_AHEAD_LOG,
        expiration: options.writeAheadLogRetention,
        noncurrentVersionExpiration: StreamingPipelineDefaults.WRITE_AHEAD_LOG_NONCURRENT_VERSION_RETENTION,
      },
      {
        id: 'ExpireNoncurrentVersions',
        noncurrentVersionExpiration: StreamingPipelineDefaults.NONCURRENT_VERSION_RETENTION,
        expiredObjectDeleteMarker: true,
      },
      {
        id: 'AbortIncompleteMultipartUploads',
        abortIncompleteMultipartUploadAfter: StreamingPipelineDefaults.ABORT_INCOMPLETE_UPLOADS_AFTER,
      },
    ],
  });
}
