/**
 * One record as a source delivers it, before any user code runs: a Kinesis record or a
 * Kafka message. This is the element type of `pipeline(...).fromKinesis()`.
 */
export interface SourceRecord {
  /** The partition id: a Kinesis shard of a stream (`kinesisPartitionId`), an object version of a text-file source, or a Kafka `topic-partition`. */
  readonly partition: string;
  /** The offset as a decimal string (Kinesis sequence number or Kafka offset); never a JS number. */
  readonly offset: string;
  /** The record's partition key (Kinesis) or message key (Kafka), if any. */
  readonly key: string | undefined;
  /** The payload bytes. */
  readonly value: Uint8Array;
  /** When the source accepted the record, in epoch milliseconds. */
  readonly arrivalTime: number;
}

/**
 * A {@link SourceRecord} together with its order-preserving offset key, as the runtime
 * hands it to the evaluator.
 */
export interface InputRecord extends SourceRecord {
  /** {@link SourceRecord.offset} encoded by `encodeOffsetKey`. */
  readonly offsetKey: string;
}
