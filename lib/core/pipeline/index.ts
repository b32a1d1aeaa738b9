export type { KeyOf, Pair, StatefulOperatorOptions, ValueOf } from './dstream';
export { DStream } from './dstream';
export type {
  BatchNode,
  ForeachBatchOutput,
  OutputNode,
  ParDoNode,
  PrintOutput,
  SourceNode,
  StatefulNode,
  StreamNode,
} from './graph';
export type { ForeachBatchFunction, SourceDescriptor } from './pipeline';
export { Pipeline, pipeline, SourceKind } from './pipeline';
