import type { SourceRecord } from '../../core';

/** One object an S3 notification (or the local poller) reports as created. */
export interface S3ObjectRef {
  /** The bucket name. */
  readonly bucket: string;
  /** The object key, decoded. */
  readonly key: string;
  /** The ETag the notification carries, without quotes, if any. */
  readonly eTag: string | undefined;
  /** The version the notification reports, for a versioned bucket. */
  readonly versionId: string | undefined;
  /** When S3 reported the event, in epoch milliseconds, if known. */
  readonly eventTime: number | undefined;
}

/** How a text object is cut into batches. */
export interface TextBatchOptions {
  /**
   * The most lines in one batch (one `processPartition` call, one write-ahead log object).
   *
   * @default 5000
   */
  readonly linesPerBatch?: number;
  /**
   * A batch ends early once its lines hold this many bytes, so memory stays bounded for long
   * lines. A single longer line still makes a batch of its own.
   *
   * @default 4194304 (4 MiB)
   */
  readonly bytesPerBatch?: number;
}

/** What every record of one object version shares. */
export interface TextObjectIdentity {
  /** The partition id of the object version (see `objectPartition`). */
  readonly partition: string;
  /** The object key: each record's `key`. */
  readonly key: string;
  /** The object's LastModified in epoch milliseconds: each record's `arrivalTime`. */
  readonly arrivalTime: number;
}

/** An object version opened for reading: its identity and its lines, batch by batch. */
export interface TextObject extends TextObjectIdentity {
  /** The bucket. */
  readonly bucket: string;
  /** The ETag of the version read, without quotes. */
  readonly eTag: string;
  /** The version read, for a versioned bucket. */
  readonly versionId: string | undefined;
  /** The object's size in bytes, if S3 reported it. */
  readonly size: number | undefined;
  /**
   * The lines as source records (offset = 1-based line number), in batches; read lazily from
   * the response body, so only one batch is in memory at a time. Iterate it once.
   */
  readonly batches: AsyncIterable<SourceRecord[]>;
}
