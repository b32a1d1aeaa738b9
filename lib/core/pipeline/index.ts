export type {
  GlobalWindowOutput,
  KeyedWindowOutput,
  KeyOf,
  MapWithStateOptions,
  Pair,
  ReferenceTable,
  StatefulOperatorOptions,
  TransformEnvironment,
  TransformOptions,
  ValueOf,
  WindowedOperatorOptions,
} from './dstream';
export { DStream } from './dstream';
export type {
  AggregateNode,
  ForeachBatchOutput,
  MapWithStateNode,
  OperatorEnvironment,
  OutputNode,
  ParDoNode,
  PrintOutput,
  SaveAsTextFilesOutput,
  SourceNode,
  StatefulNode,
  StreamNode,
  TimestampNode,
  TransformNode,
  UnionNode,
  WindowedNode,
} from './graph';
export { OutputMode, parentsOf } from './graph';
export type { ForeachBatchFunction, SourceDescriptor } from './pipeline';
export { Pipeline, pipeline, SourceKind } from './pipeline';
export { ProgressTargetKind, type ProgressTarget, type StreamingQueryListener } from './listeners';
