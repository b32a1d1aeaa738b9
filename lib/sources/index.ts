export { kinesisEventToRecords } from './kinesis/kinesis-event';
