import { ErrorCode, SparklessError } from '../core';

/** An on-failure destination held a message that is not a Lambda failure record Sparkless can recover. */
export class InvalidFailureRecordError extends SparklessError {
  /** Where the record is (queue message id or object key). */
  public readonly recordId: string;

  public constructor(recordId: string, problem: string) {
    super(
      ErrorCode.InvalidFailureRecord,
      `on-failure record ${recordId} ${problem}: it is not a Lambda failure record of this pipeline's source; remove it from the destination or point recover at the right one`,
    );
    this.name = 'InvalidFailureRecordError';
    this.recordId = recordId;
  }
}

/**
 * Recover cannot tell which records of a discarded range the main partition already processed (its
 * write-ahead log is missing, e.g. expired), so it refuses rather than risk counting a record twice.
 */
export class RecoveryUndecidableError extends SparklessError {
  /** The main partition whose claims could not be read. */
  public readonly partition: string;

  public constructor(partition: string, problem: string) {
    super(
      ErrorCode.RecoveryUndecidable,
      `partition ${partition}: ${problem}; recover cannot tell which records were already processed and refuses the range (keep writeAheadLogRetention at least the stream's retention)`,
    );
    this.name = 'RecoveryUndecidableError';
    this.partition = partition;
  }
}
