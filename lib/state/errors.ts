import { ErrorCode, SparklessError } from '../core';

/**
 * A state item points to an S3 object that is gone although the item did not change while it was
 * read: the object was deleted outside Sparkless (a lifecycle rule on `state/`, a manual delete).
 * Infrastructure, not bad input: the batch fails and is retried; the state must be restored from
 * the bucket's noncurrent version.
 */
export class StateObjectMissingError extends SparklessError {
  /** The state item's partition and sort key. */
  public readonly itemKey: string;
  /** The S3 key the item points to. */
  public readonly objectKey: string;

  public constructor(itemKey: string, objectKey: string) {
    super(
      ErrorCode.StateObjectMissing,
      `state item ${itemKey} points to s3 object ${objectKey}, which is gone; restore it from the bucket's noncurrent versions (objects under state/ must not expire)`,
    );
    this.itemKey = itemKey;
    this.objectKey = objectKey;
  }
}
