export { InvalidFailureRecordError, RecoveryUndecidableError } from './errors';
export type { DiscardedKinesisRange, FailureRecord } from './failure-records';
export { parseFailureRecord } from './failure-records';
export type {
  FailureMessage,
  OnFailureDestination,
  SqsOnFailureDestinationOptions,
} from './on-failure-destination';
export {
  ObjectStoreOnFailureDestination,
  RECOVERED_MARKER_PREFIX,
  SqsOnFailureDestination,
} from './on-failure-destination';
export type { PartitionClaimsPorts } from './partition-claims';
export { offsetsClaimedByPartition } from './partition-claims';
export type { RecoveredMessage, RecoveryPorts, RecoveryReport } from './recover';
export { RecoveryStatus, recoverDiscarded } from './recover';
export { recoveryPartitionId } from './recovery-partition';
export type { KinesisStreamRangeReaderOptions, StreamRangeReader } from './stream-range-reader';
export { KinesisStreamRangeReader, streamNameOf } from './stream-range-reader';
export type { OnFailureLocation, PipelineLocation, RecoverPipelineOptions } from './recover-pipeline';
export { recoverPipeline } from './recover-pipeline';
