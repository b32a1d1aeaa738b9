import type { BatchContext } from '../evaluation/batch-context';

/**
 * The pipeline's dataflow graph. Nodes are immutable and created only by the builder
 * (`DStream` methods); evaluators walk them. Element values are `unknown` here: the typed
 * surface lives in `DStream<T>`, which is the only way to create nodes.
 */
export type StreamNode = SourceNode | ParDoNode | BatchNode | StatefulNode;

interface NodeBase {
  /** Position in creation order, unique within the pipeline. */
  readonly index: number;
  /** Human-readable stage name for errors and dead letters, e.g. `map#2`. */
  readonly stage: string;
  /** True when this node or one of its ancestors is stateful (its errors cannot be undone by dropping a record). */
  readonly downstreamOfState: boolean;
}

/** The pipeline input: one element per {@link SourceRecord}. */
export interface SourceNode extends NodeBase {
  readonly kind: 'source';
}

/** The per-element primitive: map, flatMap, filter, mapToPair are sugar over it. */
export interface ParDoNode extends NodeBase {
  readonly kind: 'parDo';
  readonly parent: StreamNode;
  readonly fn: (value: unknown) => Iterable<unknown>;
}

/** A per-batch operator over keyed groups (reduceByKey, ...). */
export interface BatchNode extends NodeBase {
  readonly kind: 'batch';
  readonly parent: StreamNode;
  /** Folds one key's values (in offset order) into the batch result for that key. */
  readonly combineGroup: (values: readonly unknown[]) => unknown;
}

/** A keyed stateful operator whose state outlives the batch (updateStateByKey). */
export interface StatefulNode extends NodeBase {
  readonly kind: 'stateful';
  readonly parent: StreamNode;
  /** The operator's id in the state store; stable across deployments. */
  readonly operatorId: string;
  readonly operatorKind: 'updateStateByKey';
  /** The user's update function; `undefined` removes the key. */
  readonly update: (values: unknown[], state: unknown) => unknown;
}

/** A terminal output operation. */
export type OutputNode = PrintOutput | ForeachBatchOutput;

/** Spark's `print(num)`: the first `num` elements of every batch, in Spark's block format. */
export interface PrintOutput {
  readonly kind: 'print';
  readonly parent: StreamNode;
  readonly num: number;
}

/** Spark's `foreachRDD`: user code gets every batch's elements and a stable batch id. */
export interface ForeachBatchOutput {
  readonly kind: 'foreachBatch';
  readonly parent: StreamNode;
  readonly fn: (elements: readonly unknown[], context: BatchContext) => void | Promise<void>;
}
