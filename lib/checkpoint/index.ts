export type { MetadataCheckpoint, OffsetsSnapshot } from './metadata-checkpoint';
export {
  CHECKPOINT_FORMAT_VERSION,
  CheckpointManager,
  IncompatibleStatePlanError,
} from './metadata-checkpoint';
export type { LoggedBatch, LoggedBatchKey } from './write-ahead-log';
export { WriteAheadLog } from './write-ahead-log';
