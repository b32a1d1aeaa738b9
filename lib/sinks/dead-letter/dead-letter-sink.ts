/**
 * What the dead-letter place keeps for one record or element the pipeline set aside:
 * enough to see why and to replay it.
 */
export interface DeadLetterEntry {
  /** Stable id: the object key suffix; equal ids mean the same failure (retries rewrite it). */
  readonly id: string;
  readonly pipeline: string;
  readonly namespace: string;
  /**
   * `record`: a source record, with its original bytes; `element`: a value downstream of state;
   * `envelope`: an event record whose envelope could not be read, with its JSON as `data`;
   * `object`: an input object version that could not be read at all (no bytes: `bucket`, `key`,
   * `eTag`, `versionId` name it).
   */
  readonly kind: 'record' | 'element' | 'envelope' | 'object';
  /**
   * The batch of the failure; empty for `envelope` entries (they never reach a batch); for an
   * `object` entry, which never reached a batch either, the version's partition id.
   */
  readonly batchId: string;
  /** The partition id; `unattributed` for an `envelope` entry whose partition cannot be told. */
  readonly partition: string;
  /** The stage whose code failed, e.g. `map#1`. */
  readonly stage: string;
  /** The Sparkless error code (e.g. `DECODE_FAILED`, `USER_CODE_FAILED`). */
  readonly errorCode: string;
  /** The error's message, with its cause chain. */
  readonly reason: string;
  /** The record's offset (decimal), for `record` entries and `envelope` entries that carry a usable one. */
  readonly offset?: string;
  /** The record's partition key, for `record` entries; the object key, for `object` entries. */
  readonly key?: string;
  /** The bucket, for `object` entries. */
  readonly bucket?: string;
  /** The ETag the notification carried, for `object` entries. */
  readonly eTag?: string;
  /** The version the notification named, for `object` entries of a versioned bucket. */
  readonly versionId?: string;
  /** The record's original bytes, base64, for `record` entries; the envelope's JSON (UTF-8), base64, for `envelope` entries. */
  readonly data?: string;
  /** The record's arrival time (epoch ms), for `record` entries. */
  readonly arrivalTime?: number;
  /** The element as JSON, for `element` entries. */
  readonly value?: unknown;
  /** The offsets (decimal) of the contributing records, for `element` entries. */
  readonly offsets?: readonly string[];
}

/** The port for the dead-letter place (an S3 prefix in AWS, an array in tests). Writes are idempotent by `id`. */
export interface DeadLetterSink {
  send(entries: readonly DeadLetterEntry[]): Promise<void>;
}
