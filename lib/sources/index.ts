export type { KinesisDelivery, KinesisShardDelivery } from './kinesis/kinesis-event';
export { parseKinesisEvent } from './kinesis/kinesis-event';
export { KinesisPartitionIdFormat, kinesisPartitionId, kinesisStreamIdentity } from './kinesis/partition-id';
export { decodeStrictBase64 } from './kinesis/strict-base64';
export type { MalformedEnvelope } from './malformed-envelope';
export { malformedEnvelope, UNATTRIBUTED_PARTITION } from './malformed-envelope';
