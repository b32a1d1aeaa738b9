export { kinesisEventToRecords, kinesisPartitionId } from './kinesis/kinesis-event';
