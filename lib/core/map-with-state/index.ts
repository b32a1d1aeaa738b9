export type { MapWithStateFold, MapWithStateOperator, TimeoutDecision } from './fold';
export {
  decideTimeout,
  expiryBucket,
  foldMapWithState,
  MAX_RETAINED_PARTITIONS,
  OUTPUT_RETENTION_MS,
} from './fold';
export type { StateHandle } from './state-handle';
export { MutableStateHandle } from './state-handle';
export type { MapWithStateItem, StoredFailure, StoredOutputs, StoredTimeout } from './stored-item';
export { asMapWithStateItem, failureError, hasState, unwrapMapWithState } from './stored-item';
export {
  TIMER_BUCKET_BOUNDS_MS,
  timeoutBatchId,
  timerBucketAfter,
  timerBucketWidthMs,
  timerGroup,
  timerIndexId,
} from './timers';
