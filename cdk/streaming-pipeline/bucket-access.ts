import * as iam from 'aws-cdk-lib/aws-iam';
import type * as s3 from 'aws-cdk-lib/aws-s3';

/** The S3 actions the function calls, instead of the `s3:GetObject*`/`s3:List*`/`s3:Abort*` families `grantRead`/`grantReadWrite` give. */
export const BucketAccessActions = {
  /**
   * The checkpoint bucket's objects (checkpoints, write-ahead log, dead letters): the object store
   * gets, puts and deletes whole objects (no multipart upload, no versions, no ACLs).
   */
  CHECKPOINT_OBJECTS: ['s3:GetObject', 's3:PutObject', 's3:DeleteObject'],
  /**
   * The input bucket's objects under the prefix: the text reader gets the object, or exactly the
   * version its notification names.
   */
  INPUT_OBJECTS: ['s3:GetObject', 's3:GetObjectVersion'],
  /**
   * On the bucket itself: the object store lists prefixes (`ListObjectsV2`), and S3 answers a read
   * of a missing key with `NoSuchKey` (not `AccessDenied`) only to a caller allowed to list.
   */
  BUCKET: ['s3:ListBucket'],
} as const;

/** Options of {@link grantBucketAccess}. */
export interface BucketAccessOptions {
  /** The object actions, on `keyPattern`. */
  readonly objectActions: readonly string[];
  /** The keys they apply to (`*`, or `prefix*`). */
  readonly keyPattern: string;
  /** Whether the grantee writes (a KMS key then also grants encrypt), or only reads. */
  readonly write: boolean;
}

/**
 * Grants exactly the given object actions under a key pattern, `s3:ListBucket` on the bucket, and
 * the bucket's KMS key (decrypt; encrypt too for writers), if it has one.
 *
 * @param bucket - the bucket
 * @param grantee - the function
 * @param options - actions, key pattern, and whether it writes
 */
export function grantBucketAccess(
  bucket: s3.IBucket,
  grantee: iam.IGrantable,
  options: BucketAccessOptions,
): void {
  iam.Grant.addToPrincipal({
    grantee,
    actions: [...options.objectActions],
    resourceArns: [bucket.arnForObjects(options.keyPattern)],
  });
  iam.Grant.addToPrincipal({
    grantee,
    actions: [...BucketAccessActions.BUCKET],
    resourceArns: [bucket.bucketArn],
  });
  if (options.write) bucket.encryptionKey?.grantEncryptDecrypt(grantee);
  else bucket.encryptionKey?.grantDecrypt(grantee);
}
