import type { CombineFn } from '../combine';
import type { BatchContext } from '../evaluation/batch-context';
import type { ReferenceResolver } from '../reference';

/**
 * The pipeline's dataflow graph. Nodes are immutable and created only by the builder
 * (`DStream` methods); evaluators walk them. Element values are `unknown` here: the typed
 * surface lives in `DStream<T>`, which is the only way to create nodes.
 */
export type StreamNode = SourceNode | ParDoNode | UnionNode | AggregateNode | TransformNode | StatefulNode;

interface NodeBase {
  /** Position in creation order, unique within the pipeline. */
  readonly index: number;
  /** Human-readable stage name for errors and dead letters, e.g. `map#2`. */
  readonly stage: string;
  /** True when this node or one of its ancestors is stateful (its errors cannot be undone by dropping a record). */
  readonly downstreamOfState: boolean;
}

/** What per-element and per-batch user code can reach besides its input. */
export interface OperatorEnvironment {
  /** Loaded reference data. */
  readonly references: ReferenceResolver;
  /** The batch being evaluated. */
  readonly batch: BatchContext;
}

/** The pipeline input: one element per {@link SourceRecord}. */
export interface SourceNode extends NodeBase {
  readonly kind: 'source';
}

/** The per-element primitive: map, flatMap, filter, mapToPair, joins with reference data are sugar over it. */
export interface ParDoNode extends NodeBase {
  readonly kind: 'parDo';
  readonly parent: StreamNode;
  readonly fn: (value: unknown, environment: OperatorEnvironment) => Iterable<unknown>;
}

/** The elements of several streams of one batch (Spark's `union`). */
export interface UnionNode extends NodeBase {
  readonly kind: 'union';
  readonly parents: readonly StreamNode[];
}

/**
 * A per-batch aggregation with a {@link CombineFn}: keyed (`[key, value]` in, `[key, output]`
 * out: reduceByKey, groupByKey, combineByKey, countByValue) or global (one output per batch:
 * count, reduce).
 */
export interface AggregateNode extends NodeBase {
  readonly kind: 'aggregate';
  readonly parent: StreamNode;
  readonly keyed: boolean;
  readonly combineFn: CombineFn<unknown, unknown, unknown>;
  /** For global aggregations: the output of an empty batch (`count` gives 0), or none. */
  readonly emptyOutput?: () => unknown;
}

/** An arbitrary per-batch function (Spark's `transform`), which may read reference data. */
export interface TransformNode extends NodeBase {
  readonly kind: 'transform';
  readonly parent: StreamNode;
  readonly fn: (values: readonly unknown[], environment: OperatorEnvironment) => Iterable<unknown>;
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
export type OutputNode = PrintOutput | ForeachBatchOutput | SaveAsTextFilesOutput;

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

/**
 * Spark's `saveAsTextFiles(prefix, suffix)`: every batch's elements, one per line, into an
 * object named after the batch (`<prefix>-<batchTime>[.<suffix>]/part-<partition>`), so a
 * replayed batch rewrites the same object.
 */
export interface SaveAsTextFilesOutput {
  readonly kind: 'saveAsTextFiles';
  readonly parent: StreamNode;
  readonly prefix: string;
  readonly suffix: string | undefined;
}

/** The parents of a node (none for the source). */
export function parentsOf(node: StreamNode): readonly StreamNode[] {
  switch (node.kind) {
    case 'source':
      return [];
    case 'union':
      return node.parents;
    default:
      return [node.parent];
  }
}
