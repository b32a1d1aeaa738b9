export type { BatchContext, ForeachBatchContext, OutputDeadLetter } from './batch-context';
export type { DeadLetter, ElementDeadLetter, RecordDeadLetter } from './dead-letter';
export type { AggregateOrigin, Element, Origin } from './element';
export type {
  BatchEvaluation,
  BatchInput,
  EvaluationPorts,
  LateElement,
  TimeoutFiring,
  WindowFiring,
} from './evaluate-batch';
export { evaluateBatch, evaluateTimeoutFiring, evaluateWindowFiring } from './evaluate-batch';
export type { FoldDecision } from './fold';
export { decideFold } from './fold';
export { decodeKey, encodeKey } from './keys';
export type {
  FoldContext,
  KeyGroup,
  KeyOutcome,
  StateBackend,
  StatefulStep,
  StoredRevision,
} from './state-backend';
export { keyPreview, MAX_STATE_BYTES, stateSizeError, utf8Length } from './state-size';
export type { TextFileSink } from './text-file-sink';
