export type { HandlerBehaviour, PutRecord } from './factories';
export {
  createTestMapping,
  createTestStream,
  kinesisRecordFactory,
  payloadsOf,
  recordingHandler,
  TestStream,
} from './factories';
export type { FakeKinesisCommand, FakePutRecordInput, InMemoryKinesisOptions } from './in-memory-kinesis';
export { FakeKinesisServiceError, InMemoryKinesis } from './in-memory-kinesis';
export { ManualClock } from './manual-clock';
