import type { CombineFn } from '../combine';
import type { BatchContext, ForeachBatchContext } from '../evaluation/batch-context';
import type { StateHandle } from '../map-with-state/state-handle';
import type { ReferenceResolver } from '../reference';
import type { WindowSpec } from '../windows';

/**
 * The pipeline's dataflow graph. Nodes are immutable and created only by the builder
 * (`DStream` methods); evaluators walk them. Element values are `unknown` here: the typed
 * surface lives in `DStream<T>`, which is the only way to create nodes.
 */
export type StreamNode =
  | SourceNode
  | ParDoNode
  | TimestampNode
  | UnionNode
  | AggregateNode
  | TransformNode
  | StatefulNode
  | MapWithStateNode
  | WindowedNode;

interface NodeBase {
  /** Position in creation order, unique within the pipeline. */
  readonly index: number;
  /** Human-readable stage name for errors and dead letters, e.g. `map#2`. */
  readonly stage: string;
  /** True when this node or one of its ancestors is stateful (its errors cannot be undone by dropping a record). */
  readonly downstreamOfState: boolean;
  /**
   * The id of the append-mode windowed operator this node is (or is downstream of): such nodes see data
   * only when that operator fires a window. Update- and complete-mode operators emit with their batch.
   */
  readonly window: string | undefined;
}

/** What per-element and per-batch user code can reach besides its input. */
export interface OperatorEnvironment {
  /** Loaded reference data. */
  readonly references: ReferenceResolver;
  /** The batch being evaluated. */
  readonly batch: BatchContext;
  /**
   * The partition's event-time clock when the batch was claimed: the latest event time committed on it
   * (or a floor set for an idle partition). Window lateness is measured against it.
   */
  readonly eventTimeClock: number;
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

/** Sets the event time of every element (the default is the record's arrival time). */
export interface TimestampNode extends NodeBase {
  readonly kind: 'timestamps';
  readonly parent: StreamNode;
  readonly extract: (value: unknown) => number;
}

/**
 * How a windowed operator emits results, with Structured Streaming's meaning of its output modes.
 * Append emits `[key, value]` pairs (the window is `context.window`); update and complete emit
 * {@link WindowedRow}s, which carry their window and a revision.
 */
export const OutputMode = {
  /**
   * Each window's result once, when the watermark passes its end: final, so records later than the
   * allowed lateness are dropped (counted, optionally kept in the late-data place). Panes are stored;
   * a window is computed when it fires, also on an idle stream (scheduled trigger).
   */
  Append: 'append',
  /**
   * After every batch, the current result of each (window, key) the batch changed. A record updates
   * every window it belongs to that is still open on its partition (end after the partition's clock
   * minus the allowed lateness), so out-of-order and late records within the lateness emit updated
   * results; records late for all their windows are dropped as in append mode. Results are stored
   * per (window, key) and expire after the window end plus lateness.
   */
  Update: 'update',
  /**
   * After every batch, the whole result table: every (window, key) seen so far. As in Structured
   * Streaming, nothing is dropped as late and no window expires (the table grows with windows x
   * keys): use it for small result tables, such as counts per action per hour.
   */
  Complete: 'complete',
} as const;

/** One of the {@link OutputMode} values. */
export type OutputMode = (typeof OutputMode)[keyof typeof OutputMode];

/**
 * A keyed (or global) event-time windowed aggregation. In append mode it is stored as panes: every
 * record updates the accumulator of its (pane, key); a window's result is the merge of its panes,
 * computed when the watermark passes the window's end. In update and complete modes every record
 * updates the accumulator of each (window, key) it belongs to, and results are emitted by the batch.
 */
export interface WindowedNode extends NodeBase {
  readonly kind: 'windowed';
  readonly parent: StreamNode;
  readonly operatorId: string;
  readonly operatorKind: string;
  readonly spec: WindowSpec;
  /** Keyed: `[key, value]` in, `[key, output]` out; global: value in, output out. */
  readonly keyed: boolean;
  readonly combineFn: CombineFn<unknown, unknown, unknown>;
  readonly outputMode: OutputMode;
  /**
   * Pane items of one pane (append), or the items of the result table (complete), are spread over
   * this many DynamoDB partition keys.
   */
  readonly paneShards: number;
  /** Keep late records in the late-data sink (true) or only count them. */
  readonly keepLateData: boolean;
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

/**
 * Spark's `mapWithState`: a keyed state whose function is called once per value (and once more
 * when the key times out) and whose results form the output stream.
 */
export interface MapWithStateNode extends NodeBase {
  readonly kind: 'mapWithState';
  readonly parent: StreamNode;
  /** The operator's id in the state store; stable across deployments. */
  readonly operatorId: string;
  readonly operatorKind: 'mapWithState';
  /** The user's function; `undefined` results are not emitted. */
  readonly fn: (key: unknown, value: unknown, state: StateHandle<unknown>) => unknown;
  /** Idle time after which a key's state is removed, or `undefined` for no timeout. */
  readonly timeoutMs: number | undefined;
  /** Width of the timer buckets the scheduled sweep reads (see `timerBucketWidthMs`), with a timeout. */
  readonly timeoutBucketMs: number | undefined;
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
  readonly fn: (elements: readonly unknown[], context: ForeachBatchContext) => void | Promise<void>;
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
