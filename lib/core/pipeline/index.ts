export type {
  KeyOf,
  Pair,
  ReferenceTable,
  StatefulOperatorOptions,
  TransformEnvironment,
  TransformOptions,
  ValueOf,
} from './dstream';
export { DStream } from './dstream';
export type {
  AggregateNode,
  ForeachBatchOutput,
  OperatorEnvironment,
  OutputNode,
  ParDoNode,
  PrintOutput,
  SaveAsTextFilesOutput,
  SourceNode,
  StatefulNode,
  StreamNode,
  TransformNode,
  UnionNode,
} from './graph';
export { parentsOf } from './graph';
export type { ForeachBatchFunction, SourceDescriptor } from './pipeline';
export { Pipeline, pipeline, SourceKind } from './pipeline';
