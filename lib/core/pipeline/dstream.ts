import { InvalidPipelineError } from '../errors';
import type { StreamNode } from './graph';
import type { ForeachBatchFunction, Pipeline } from './pipeline';

/** A key/value pair, the element type of pair streams (Spark's `JavaPairDStream`). */
export type Pair<K, V> = readonly [K, V];

/** The key type of a pair element type. */
export type KeyOf<T> = T extends readonly [infer K, unknown] ? K : never;

/** The value type of a pair element type. */
export type ValueOf<T> = T extends readonly [unknown, infer V] ? V : never;

/** Options of stateful operators. */
export interface StatefulOperatorOptions {
  /**
   * The operator's id in the state store. Pin it to keep state across changes that
   * reorder stateful operators; changing it starts the operator from empty state.
   *
   * @default `<kind>#<n>`, n counting the pipeline's stateful operators from 0
   */
  readonly name?: string;
}

const MAX_PRINT = 10_000;

/**
 * A discretized stream: a sequence of batches of `T`. Operators return new streams;
 * output operations (`print`, `foreachBatch`) return the {@link Pipeline}.
 */
export class DStream<T> {
  /** The pipeline this stream belongs to. */
  public readonly pipeline: Pipeline;
  /** @internal The graph node producing this stream. */
  public readonly node: StreamNode;

  /** @internal Streams are created by {@link Pipeline.fromKinesis} and by operators. */
  public constructor(pipeline: Pipeline, node: StreamNode) {
    this.pipeline = pipeline;
    this.node = node;
  }

  /** Applies `fn` to every element. */
  public map<U>(fn: (value: T) => U): DStream<U> {
    return this.parDo('map', (value) => [fn(value)]);
  }

  /** Applies `fn` to every element and flattens the results. */
  public flatMap<U>(fn: (value: T) => Iterable<U>): DStream<U> {
    return this.parDo('flatMap', fn);
  }

  /** Keeps the elements for which `predicate` holds; a type guard narrows the element type. */
  public filter<S extends T>(predicate: (value: T) => value is S): DStream<S>;
  public filter(predicate: (value: T) => boolean): DStream<T>;
  public filter(predicate: (value: T) => boolean): DStream<T> {
    return this.parDo('filter', (value) => (predicate(value) ? [value] : []));
  }

  /** Turns every element into a key/value pair (Spark's `mapToPair`). */
  public mapToPair<K, V>(fn: (value: T) => Pair<K, V>): DStream<Pair<K, V>> {
    return this.parDo('mapToPair', (value) => [fn(value)]);
  }

  /** Within each batch, merges the values of each key with `fn` (associative). */
  public reduceByKey(
    this: DStream<Pair<unknown, unknown>>,
    fn: (a: ValueOf<T>, b: ValueOf<T>) => ValueOf<T>,
  ): DStream<Pair<KeyOf<T>, ValueOf<T>>> {
    const node = this.pipeline.addNode((index) => ({
      kind: 'batch' as const,
      index,
      stage: `reduceByKey#${index}`,
      downstreamOfState: this.node.downstreamOfState,
      parent: this.node,
      combineGroup: (values: readonly unknown[]) => (values as ValueOf<T>[]).reduce((a, b) => fn(a, b)),
    }));
    return new DStream(this.pipeline, node);
  }

  /**
   * Keeps a state per key across batches. For every key with new values in a batch,
   * `update(values, state)` returns the next state; `undefined` removes the key. The
   * output stream holds `[key, state]` for the keys updated in the batch (Structured
   * Streaming's update mode). Each record's values are folded exactly once.
   */
  public updateStateByKey<S>(
    this: DStream<Pair<unknown, unknown>>,
    update: (values: ValueOf<T>[], state: S | undefined) => S | undefined,
    options: StatefulOperatorOptions = {},
  ): DStream<Pair<KeyOf<T>, S>> {
    const operatorId = options.name ?? `updateStateByKey#${this.pipeline.statefulCount}`;
    if (!/^[A-Za-z0-9#_.-]{1,64}$/.test(operatorId)) {
      throw new InvalidPipelineError(
        `stateful operator name must be 1-64 letters, digits or #_.- (given ${JSON.stringify(operatorId)})`,
      );
    }
    const node = this.pipeline.addNode((index) => ({
      kind: 'stateful' as const,
      index,
      stage: `${operatorId}`,
      downstreamOfState: true,
      parent: this.node,
      operatorId,
      operatorKind: 'updateStateByKey' as const,
      update: update as (values: unknown[], state: unknown) => unknown,
    }));
    return new DStream(this.pipeline, node);
  }

  /** Prints the first `num` elements of every batch in Spark's `Time: … ms` block format. */
  public print(num = 10): Pipeline {
    if (!Number.isInteger(num) || num < 1 || num > MAX_PRINT) {
      throw new InvalidPipelineError(
        `print(num) needs num between 1 and ${MAX_PRINT} inclusive (given ${num})`,
      );
    }
    return this.pipeline.addOutput({ kind: 'print', parent: this.node, num });
  }

  /**
   * Runs `fn` with every batch's elements (Spark's `foreachRDD`). `context.batchId` is stable
   * across retries; a throw fails the batch, which Lambda retries with the same id.
   */
  public foreachBatch(fn: ForeachBatchFunction<T>): Pipeline {
    return this.pipeline.addOutput({
      kind: 'foreachBatch',
      parent: this.node,
      fn: fn as ForeachBatchFunction<unknown>,
    });
  }

  private parDo<U>(name: string, fn: (value: T) => Iterable<U>): DStream<U> {
    const node = this.pipeline.addNode((index) => ({
      kind: 'parDo' as const,
      index,
      stage: `${name}#${index}`,
      downstreamOfState: this.node.downstreamOfState,
      parent: this.node,
      fn: fn as (value: unknown) => Iterable<unknown>,
    }));
    return new DStream<U>(this.pipeline, node);
  }
}
