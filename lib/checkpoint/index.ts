export type { MetadataCheckpoint, OffsetsSnapshot } from './metadata-checkpoint';
export { CheckpointManager, IncompatibleStatePlanError } from './metadata-checkpoint';
export { WriteAheadLog } from './write-ahead-log';
