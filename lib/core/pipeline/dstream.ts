import { type CombineFn, Combiners } from '../combine';
import { InvalidPipelineError } from '../errors';
import type { StateHandle } from '../map-with-state/state-handle';
import { timerBucketWidthMs } from '../map-with-state/timers';
import type { ReferenceData } from '../reference';
import type { WindowedRow, WindowSpec } from '../windows';
import {
  type AggregateNode,
  type MapWithStateNode,
  type OperatorEnvironment,
  OutputMode,
  parentsOf,
  type StreamNode,
  type WindowedNode,
} from './graph';
import type { ForeachBatchFunction, Pipeline } from './pipeline';

/** A key/value pair, the element type of pair streams (Spark's `JavaPairDStream`). */
export type Pair<K, V> = readonly [K, V];

/** The key type of a pair element type. */
export type KeyOf<T> = T extends readonly [infer K, unknown] ? K : never;

/** The value type of a pair element type. */
export type ValueOf<T> = T extends readonly [unknown, infer V] ? V : never;

/** Reference data shaped as a lookup table: the right side of the joins. */
export type ReferenceTable<W> = ReadonlyMap<string, W>;

/** What `transform` functions get besides the batch's elements. */
export type TransformEnvironment = OperatorEnvironment;

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

/** Options of `mapWithState` (Spark's `StateSpec`). */
export interface MapWithStateOptions extends StatefulOperatorOptions {
  /**
   * Removes the state of a key that got no values for longer than this many milliseconds (Spark's
   * `StateSpec.timeout`): the function is called once more with `value` undefined and
   * `state.isTimingOut()` true, its result is emitted, and the state is removed. Idle time is
   * measured from the batch time of the key's last values: lazily when a later batch brings values
   * for an expired key (it times out first, then starts afresh), and by the scheduled trigger for
   * keys that get none (the sweep emits under the batch id `<name>@timeout@<bucket>`). A key times
   * out at most about `timeoutMs / 16` (between 1 s and 60 s) plus the trigger interval late.
   *
   * @default none: a key's state lives until the function removes it
   */
  readonly timeoutMs?: number;
}

/** The longest `mapWithState` timeout: one year. */
const MAX_TIMEOUT_MS = 365 * 24 * 3600 * 1000;

/**
 * The element type of a keyed windowed operator in output mode `M`: `[key, value]` pairs in append
 * mode (the window is the firing's `context.window`), {@link WindowedRow}s in update and complete modes.
 */
export type KeyedWindowOutput<M extends OutputMode, K, V> = M extends typeof OutputMode.Append
  ? Pair<K, V>
  : WindowedRow<K, V>;

/**
 * The element type of a global windowed operator in output mode `M`: the value in append mode,
 * {@link WindowedRow}s with a `null` key in update and complete modes.
 */
export type GlobalWindowOutput<M extends OutputMode, V> = M extends typeof OutputMode.Append
  ? V
  : WindowedRow<null, V>;

/** Options of `transform`. */
export interface TransformOptions {
  /**
   * The reference data the function reads: the runtime loads (and refreshes) these before each batch.
   *
   * @default none
   */
  readonly references?: readonly ReferenceData<unknown>[];
}

/**
 * Options of windowed operators; `M` is the output mode, which decides the element type of the result
 * (see {@link KeyedWindowOutput}).
 */
export interface WindowedOperatorOptions<M extends OutputMode = OutputMode> extends StatefulOperatorOptions {
  /**
   * When results are emitted (see {@link OutputMode}).
   *
   * @default OutputMode.Append: each window once, when the watermark passes its end
   */
  readonly outputMode?: M;
  /**
   * Pane items of one pane (append mode), or the items of the result table (complete mode), are
   * spread over this many DynamoDB partition keys, so a hot window does not concentrate its writes on
   * one partition.
   *
   * @default 4
   */
  readonly paneShards?: number;
  /**
   * Keep records that arrive too late for every window they belong to in the late-data place
   * (`late-data/<namespace>/` in the bucket), instead of only counting them.
   *
   * @default false
   */
  readonly keepLateData?: boolean;
}

const MAX_PRINT = 10_000;

function windowOfUnion(parents: readonly StreamNode[]): string | undefined {
  const windows = new Set(parents.map((parent) => parent.window));
  if (windows.size > 1) {
    throw new InvalidPipelineError(
      'union needs streams that are all downstream of the same windowed operator, or none',
    );
  }
  return parents[0]?.window;
}

/** The operator id of the first node at or upstream of `node` that `matches`, if any. */
function upstreamOperator(
  node: StreamNode,
  matches: (candidate: StreamNode) => candidate is MapWithStateNode | WindowedNode,
): string | undefined {
  const seen = new Set<StreamNode>();
  const pending = [node];
  for (let current = pending.pop(); current !== undefined; current = pending.pop()) {
    if (seen.has(current)) continue;
    seen.add(current);
    if (matches(current)) return current.operatorId;
    pending.push(...parentsOf(current));
  }
  return undefined;
}

const hasTimeout = (node: StreamNode): node is MapWithStateNode =>
  node.kind === 'mapWithState' && node.timeoutMs !== undefined;

const isWindowed = (node: StreamNode): node is WindowedNode => node.kind === 'windowed';

const emitsResultTable = (node: StreamNode): node is WindowedNode =>
  node.kind === 'windowed' && node.outputMode !== OutputMode.Append;

/** The lookup key of a join: strings as they are, other keys as JSON. */
function lookupKey(key: unknown): string {
  return typeof key === 'string' ? key : JSON.stringify(key);
}

/**
 * A discretized stream: a sequence of batches of `T`. Operators return new streams;
 * output operations (`print`, `foreachBatch`, `saveAsTextFiles`) return the {@link Pipeline}.
 */
export class DStream<T> {
  /** The pipeline this stream belongs to. */
  public readonly pipeline: Pipeline;
  /** @internal The graph node producing this stream. */
  public readonly node: StreamNode;

  /** @internal Streams are created by the pipeline's sources and by operators. */
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

  /** Pairs every element with a key computed from it: `[fn(value), value]`. */
  public keyBy<K>(fn: (value: T) => K): DStream<Pair<K, T>> {
    return this.parDo('keyBy', (value) => [[fn(value), value] as const]);
  }

  /** Maps the value of every pair, keeping its key. */
  public mapValues<U>(
    this: DStream<Pair<unknown, unknown>>,
    fn: (value: ValueOf<T>) => U,
  ): DStream<Pair<KeyOf<T>, U>> {
    return this.parDo('mapValues', (pair) => [[pair[0], fn(pair[1] as ValueOf<T>)] as const]) as DStream<
      Pair<KeyOf<T>, U>
    >;
  }

  /** Maps the value of every pair to several values, each paired with the key. */
  public flatMapValues<U>(
    this: DStream<Pair<unknown, unknown>>,
    fn: (value: ValueOf<T>) => Iterable<U>,
  ): DStream<Pair<KeyOf<T>, U>> {
    return this.parDo('flatMapValues', (pair) =>
      Array.from(fn(pair[1] as ValueOf<T>), (value) => [pair[0], value] as const),
    ) as DStream<Pair<KeyOf<T>, U>>;
  }

  /** The elements of this stream and of `others`, batch by batch (Spark's `union`). */
  public union(...others: readonly DStream<T>[]): DStream<T> {
    for (const other of others) {
      if (other.pipeline !== this.pipeline) {
        throw new InvalidPipelineError('union needs streams of the same pipeline');
      }
    }
    const parents = [this.node, ...others.map((other) => other.node)];
    const node = this.pipeline.addNode((index) => ({
      kind: 'union' as const,
      index,
      stage: `union#${index}`,
      downstreamOfState: parents.some((parent) => parent.downstreamOfState),
      window: windowOfUnion(parents),
      parents,
    }));
    return new DStream<T>(this.pipeline, node);
  }

  /** The number of elements of every batch (one element per batch, 0 for an empty batch). */
  public count(): DStream<number> {
    return this.aggregate('count', false, Combiners.count(), () => 0);
  }

  /** Every distinct element of a batch with its number of occurrences. */
  public countByValue(): DStream<Pair<T, number>> {
    return this.parDo('countByValue', (value) => [[value, 1] as const]).aggregate(
      'countByValue',
      true,
      Combiners.sum(),
    );
  }

  /** Merges all elements of a batch with `fn` (associative); nothing for an empty batch. */
  public reduce(fn: (a: T, b: T) => T): DStream<T> {
    const reducer = Combiners.fromReducer(fn);
    return this.aggregate('reduce', false, reducer);
  }

  /** Within each batch, merges the values of each key with `fn` (associative). */
  public reduceByKey(
    this: DStream<Pair<unknown, unknown>>,
    fn: (a: ValueOf<T>, b: ValueOf<T>) => ValueOf<T>,
  ): DStream<Pair<KeyOf<T>, ValueOf<T>>> {
    return this.aggregate('reduceByKey', true, Combiners.fromReducer(fn));
  }

  /** Within each batch, the values of each key in offset order. */
  public groupByKey(this: DStream<Pair<unknown, unknown>>): DStream<Pair<KeyOf<T>, ValueOf<T>[]>> {
    return this.aggregate('groupByKey', true, Combiners.toList());
  }

  /** Within each batch, combines the values of each key with a mergeable accumulator (Spark's `combineByKey`). */
  public combineByKey<A, O>(
    this: DStream<Pair<unknown, unknown>>,
    combineFn: CombineFn<ValueOf<T>, A, O>,
  ): DStream<Pair<KeyOf<T>, O>> {
    return this.aggregate('combineByKey', true, combineFn);
  }

  /**
   * An arbitrary function of each batch's elements (Spark's `transform`), which may read
   * reference data through `environment.references`.
   */
  public transform<U>(
    fn: (values: readonly T[], environment: TransformEnvironment) => Iterable<U>,
    options: TransformOptions = {},
  ): DStream<U> {
    for (const reference of options.references ?? []) this.pipeline.declareReference(reference);
    const node = this.pipeline.addNode((index) => ({
      kind: 'transform' as const,
      index,
      stage: `transform#${index}`,
      downstreamOfState: this.node.downstreamOfState,
      window: this.node.window,
      parent: this.node,
      fn: fn as (values: readonly unknown[], environment: TransformEnvironment) => Iterable<unknown>,
    }));
    return new DStream<U>(this.pipeline, node);
  }

  /** Inner join of every pair with a reference table: `[key, [value, match]]`, pairs without a match dropped. */
  public join<W>(
    this: DStream<Pair<unknown, unknown>>,
    table: ReferenceData<ReferenceTable<W>>,
  ): DStream<Pair<KeyOf<T>, readonly [ValueOf<T>, W]>> {
    this.pipeline.declareReference(table);
    return this.parDo('join', (pair, environment) => {
      const match = environment.references.get(table).get(lookupKey(pair[0]));
      return match === undefined ? [] : [[pair[0], [pair[1], match]] as const];
    }) as DStream<Pair<KeyOf<T>, readonly [ValueOf<T>, W]>>;
  }

  /** Left outer join with a reference table: `[key, [value, match | undefined]]`. */
  public leftOuterJoin<W>(
    this: DStream<Pair<unknown, unknown>>,
    table: ReferenceData<ReferenceTable<W>>,
  ): DStream<Pair<KeyOf<T>, readonly [ValueOf<T>, W | undefined]>> {
    this.pipeline.declareReference(table);
    return this.parDo('leftOuterJoin', (pair, environment) => [
      [pair[0], [pair[1], environment.references.get(table).get(lookupKey(pair[0]))]] as const,
    ]) as DStream<Pair<KeyOf<T>, readonly [ValueOf<T>, W | undefined]>>;
  }

  /**
   * Groups each batch's values per key together with the key's match in a reference table:
   * `[key, [values, matches]]` for every key of the batch (Spark's `cogroup`, with the
   * reference side limited to the batch's keys).
   */
  public cogroup<W>(
    this: DStream<Pair<unknown, unknown>>,
    table: ReferenceData<ReferenceTable<W>>,
  ): DStream<Pair<KeyOf<T>, readonly [ValueOf<T>[], W[]]>> {
    this.pipeline.declareReference(table);
    return this.groupByKey().parDo('cogroup', (group, environment) => {
      const [key, values] = group as unknown as readonly [unknown, unknown[]];
      const match = environment.references.get(table).get(lookupKey(key));
      return [[key, [values, match === undefined ? [] : [match]]] as const];
    }) as DStream<Pair<KeyOf<T>, readonly [ValueOf<T>[], W[]]>>;
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
    const operatorId = this.statefulOperatorId('updateStateByKey', options.name);
    const node = this.pipeline.addNode((index) => ({
      kind: 'stateful' as const,
      index,
      stage: `${operatorId}`,
      downstreamOfState: true,
      window: this.node.window,
      parent: this.node,
      operatorId,
      operatorKind: 'updateStateByKey' as const,
      update: update as (values: unknown[], state: unknown) => unknown,
    }));
    return new DStream(this.pipeline, node);
  }

  /**
   * Keeps a state per key and maps every value with it (Spark's `mapWithState`). For every key with
   * values in a batch, `fn(key, value, state)` is called once per value in offset order with the
   * evolving state ({@link StateHandle}: `exists`, `get`, `update`, `remove`, `isTimingOut`); its
   * results form the output stream (`undefined` results are not emitted). The key's state is
   * written once per batch with the same exactly-once fencing as `updateStateByKey`.
   *
   * With `timeoutMs`, idle keys time out: `fn(key, undefined, state)` with `state.isTimingOut()`,
   * its result emitted, the state removed. The pipeline then needs the scheduled trigger.
   *
   * Outputs: the outputs of a key in a batch are those of the fold that was written; they are
   * stored with the state, so a retry whose values were already folded emits them again, and a
   * timeout is emitted again until a sweep emitted it. Every delivery of a batch id carries the
   * same outputs for each key it carries; in rare cases a delivery lacks a key (an attempt still
   * running after its batch committed and a later batch updated the key) or a later sweep of a
   * timeout bucket adds one (a batch replayed long after its claim re-created an expired key).
   * So include the key in the outputs and write them idempotently per batch id and key: that is
   * exactly-once. State and outputs must be JSON values (they are stored as JSON); a key's state
   * and outputs of one batch must stay under `MAX_STATE_BYTES` (16 MiB of JSON), or its values
   * are dead-lettered (`STATE_TOO_LARGE`).
   *
   * @example
   * // Sessions: count per user, emitted when the user has been idle for 30 minutes
   * clicks
   *   .mapToPair((click) => [click.user, 1])
   *   .mapWithState<number, readonly [string, number]>(
   *     (user, one, state) => {
   *       if (state.isTimingOut()) return [user, state.get()];
   *       state.update((state.getOption() ?? 0) + (one ?? 0));
   *       return undefined;
   *     },
   *     { timeoutMs: 30 * 60_000, name: 'sessions' },
   *   )
   *   .foreachBatch(saveSessions);
   */
  public mapWithState<S, U>(
    this: DStream<Pair<unknown, unknown>>,
    fn: (key: KeyOf<T>, value: ValueOf<T> | undefined, state: StateHandle<S>) => U | undefined,
    options: MapWithStateOptions = {},
  ): DStream<U> {
    const operatorId = this.statefulOperatorId('mapWithState', options.name);
    const { timeoutMs } = options;
    if (timeoutMs !== undefined) {
      if (!Number.isInteger(timeoutMs) || timeoutMs < 1 || timeoutMs > MAX_TIMEOUT_MS) {
        throw new InvalidPipelineError(
          `mapWithState timeoutMs must be a whole number of milliseconds between 1 and ${MAX_TIMEOUT_MS} inclusive (given ${timeoutMs})`,
        );
      }
      if (this.node.window !== undefined) {
        throw new InvalidPipelineError(
          `mapWithState with a timeout cannot follow the windowed operator ${this.node.window}: its timeouts are measured in processing time; drop timeoutMs or apply it before the window`,
        );
      }
    }
    const node = this.pipeline.addNode((index): MapWithStateNode => ({
      kind: 'mapWithState',
      index,
      stage: operatorId,
      downstreamOfState: true,
      window: this.node.window,
      parent: this.node,
      operatorId,
      operatorKind: 'mapWithState',
      fn: fn as (key: unknown, value: unknown, state: StateHandle<unknown>) => unknown,
      timeoutMs,
      timeoutBucketMs: timeoutMs === undefined ? undefined : timerBucketWidthMs(timeoutMs),
    }));
    return new DStream<U>(this.pipeline, node);
  }

  /** Sets every element's event time (epoch ms) from its value; the default is the record's arrival time. */
  public withTimestamps(extract: (value: T) => number): DStream<T> {
    const node = this.pipeline.addNode((index) => ({
      kind: 'timestamps' as const,
      index,
      stage: `withTimestamps#${index}`,
      downstreamOfState: this.node.downstreamOfState,
      window: this.node.window,
      parent: this.node,
      extract: extract as (value: unknown) => number,
    }));
    return new DStream<T>(this.pipeline, node);
  }

  /**
   * Every element of each event-time window, emitted when the window closes (Spark's `window`).
   * Elements are kept in the window's panes until then: prefer an aggregating window operator.
   */
  public window(
    spec: WindowSpec,
    options: WindowedOperatorOptions<typeof OutputMode.Append> = {},
  ): DStream<T> {
    if ((options.outputMode ?? OutputMode.Append) !== OutputMode.Append) {
      throw new InvalidPipelineError(
        `window emits a window's elements once, in append mode only (given outputMode ${JSON.stringify(options.outputMode)}); for update or complete results aggregate the window, e.g. countByWindow or reduceByKeyAndWindow`,
      );
    }
    return this.windowed<T[]>('window', false, Combiners.toList<T>(), spec, options).flatMap(
      (values) => values,
    );
  }

  /** Merges all elements of each window with `fn` (associative); see {@link OutputMode} for when results are emitted. */
  public reduceByWindow<M extends OutputMode = typeof OutputMode.Append>(
    fn: (a: T, b: T) => T,
    spec: WindowSpec,
    options: WindowedOperatorOptions<M> = {},
  ): DStream<GlobalWindowOutput<M, T>> {
    return this.windowed('reduceByWindow', false, Combiners.fromReducer(fn), spec, options);
  }

  /** The number of elements of each window. */
  public countByWindow<M extends OutputMode = typeof OutputMode.Append>(
    spec: WindowSpec,
    options: WindowedOperatorOptions<M> = {},
  ): DStream<GlobalWindowOutput<M, number>> {
    return this.windowed('countByWindow', false, Combiners.count<T>(), spec, options);
  }

  /** Every distinct element of each window with its number of occurrences. */
  public countByValueAndWindow<M extends OutputMode = typeof OutputMode.Append>(
    spec: WindowSpec,
    options: WindowedOperatorOptions<M> = {},
  ): DStream<KeyedWindowOutput<M, T, number>> {
    return this.parDo('countByValueAndWindow', (value) => [[value, 1] as const]).windowed(
      'countByValueAndWindow',
      true,
      Combiners.sum(),
      spec,
      options,
    );
  }

  /**
   * Merges the values of each key over each sliding window with `fn` (Spark's
   * `reduceByKeyAndWindow(fn, 60s, 10s)`). In append mode (the default) each window is emitted once
   * as `[key, value]` pairs, the window being `context.window` of the outputs; in update and complete
   * modes as {@link WindowedRow}s after every batch (see {@link OutputMode}). An `inverse` function is
   * accepted for Spark compatibility; panes make it unnecessary (a window is the merge of its panes).
   *
   * @example
   * // Counts per action per hour, the whole table after every batch (Structured Streaming's complete mode)
   * events
   *   .withTimestamps((event) => event.time)
   *   .mapToPair((event) => [event.action, 1])
   *   .reduceByKeyAndWindow((a, b) => a + b, tumblingWindows({ lengthMs: 3_600_000, allowedLatenessMs: 0 }), {
   *     outputMode: OutputMode.Complete,
   *   })
   *   .foreachBatch((rows) => upsert(rows.map(({ window, key, value, revision }) => ...)));
   */
  public reduceByKeyAndWindow<M extends OutputMode = typeof OutputMode.Append>(
    this: DStream<Pair<unknown, unknown>>,
    fn: (a: ValueOf<T>, b: ValueOf<T>) => ValueOf<T>,
    spec: WindowSpec,
    options: WindowedOperatorOptions<M> & {
      readonly inverse?: (a: ValueOf<T>, b: ValueOf<T>) => ValueOf<T>;
    } = {},
  ): DStream<KeyedWindowOutput<M, KeyOf<T>, ValueOf<T>>> {
    return this.windowed('reduceByKeyAndWindow', true, Combiners.fromReducer(fn), spec, options);
  }

  /** Combines the values of each key over each window with a mergeable accumulator. */
  public aggregateByKeyAndWindow<A, O, M extends OutputMode = typeof OutputMode.Append>(
    this: DStream<Pair<unknown, unknown>>,
    combineFn: CombineFn<ValueOf<T>, A, O>,
    spec: WindowSpec,
    options: WindowedOperatorOptions<M> = {},
  ): DStream<KeyedWindowOutput<M, KeyOf<T>, O>> {
    return this.windowed('aggregateByKeyAndWindow', true, combineFn, spec, options);
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
   * across retries; a throw fails the batch, which Lambda retries with the same id. A value that can
   * never be delivered (bad input, not an outage) goes to `context.deadLetter` instead, so the rest of
   * the batch is delivered and the batch commits; the table sinks do so given `{ deadLetters: context }`.
   */
  public foreachBatch(fn: ForeachBatchFunction<T>): Pipeline {
    return this.pipeline.addOutput({
      kind: 'foreachBatch',
      parent: this.node,
      fn: fn as ForeachBatchFunction<unknown>,
    });
  }

  /**
   * Writes every batch's elements, one per line in Spark's format, to the object
   * `<prefix>-<batchTime>[.<suffix>]/part-<partition>` (Spark's `saveAsTextFiles`). The
   * prefix is `s3://bucket/path` or a key prefix in the pipeline's bucket; names are
   * deterministic, so a replayed batch rewrites the same object.
   */
  public saveAsTextFiles(prefix: string, suffix?: string): Pipeline {
    if (prefix === '' || prefix.endsWith('/')) {
      throw new InvalidPipelineError(
        `saveAsTextFiles needs a prefix that does not end with "/", such as "output/word-counts" (given ${JSON.stringify(prefix)})`,
      );
    }
    return this.pipeline.addOutput({ kind: 'saveAsTextFiles', parent: this.node, prefix, suffix });
  }

  /** @internal The per-element primitive every element-wise operator is sugar over. */
  public parDo<U>(name: string, fn: (value: T, environment: OperatorEnvironment) => Iterable<U>): DStream<U> {
    const node = this.pipeline.addNode((index) => ({
      kind: 'parDo' as const,
      index,
      stage: `${name}#${index}`,
      downstreamOfState: this.node.downstreamOfState,
      window: this.node.window,
      parent: this.node,
      fn: fn as (value: unknown, environment: OperatorEnvironment) => Iterable<unknown>,
    }));
    return new DStream<U>(this.pipeline, node);
  }

  private windowed<R>(
    kind: string,
    keyed: boolean,
    combineFn: CombineFn<never, unknown, unknown>,
    spec: WindowSpec,
    options: WindowedOperatorOptions,
  ): DStream<R> {
    const upstreamWindow = upstreamOperator(this.node, isWindowed);
    if (upstreamWindow !== undefined) {
      throw new InvalidPipelineError(`${kind} cannot follow another windowed operator (${upstreamWindow})`);
    }
    const timeouts = upstreamOperator(this.node, hasTimeout);
    if (timeouts !== undefined) {
      throw new InvalidPipelineError(
        `${kind} cannot follow mapWithState ${timeouts} with a timeout: its timeout outputs are emitted by the scheduled sweep, outside event time`,
      );
    }
    const outputMode = options.outputMode ?? OutputMode.Append;
    if (!Object.values(OutputMode).includes(outputMode)) {
      throw new InvalidPipelineError(
        `outputMode must be one of ${Object.values(OutputMode).join(', ')} (given ${JSON.stringify(outputMode)})`,
      );
    }
    const operatorId = this.statefulOperatorId(kind, options.name);
    const paneShards = options.paneShards ?? 4;
    if (!Number.isInteger(paneShards) || paneShards < 1 || paneShards > 64) {
      throw new InvalidPipelineError(`paneShards must be between 1 and 64 inclusive (given ${paneShards})`);
    }
    const node = this.pipeline.addNode((index): WindowedNode => ({
      kind: 'windowed',
      index,
      stage: operatorId,
      downstreamOfState: true,
      window: outputMode === OutputMode.Append ? operatorId : undefined,
      parent: this.node,
      operatorId,
      operatorKind: kind,
      spec,
      keyed,
      combineFn: combineFn as CombineFn<unknown, unknown, unknown>,
      outputMode,
      paneShards,
      keepLateData: options.keepLateData ?? false,
    }));
    return new DStream<R>(this.pipeline, node);
  }

  private statefulOperatorId(kind: string, name: string | undefined): string {
    const table = upstreamOperator(this.node, emitsResultTable);
    if (table !== undefined) {
      throw new InvalidPipelineError(
        `${kind} cannot follow ${table}: an update- or complete-mode window emits current results again and again, which a stateful operator would fold more than once; write them to a sink, or use append mode`,
      );
    }
    const operatorId = name ?? `${kind}#${this.pipeline.statefulCount}`;
    if (!/^[A-Za-z0-9#_.-]{1,64}$/.test(operatorId)) {
      throw new InvalidPipelineError(
        `stateful operator name must be 1-64 letters, digits or #_.- (given ${JSON.stringify(operatorId)})`,
      );
    }
    return operatorId;
  }

  private aggregate<I, A, O, R>(
    name: string,
    keyed: boolean,
    combineFn: CombineFn<I, A, O>,
    emptyOutput?: () => unknown,
  ): DStream<R> {
    const node = this.pipeline.addNode((index): AggregateNode => ({
      kind: 'aggregate',
      index,
      stage: `${name}#${index}`,
      downstreamOfState: this.node.downstreamOfState,
      window: this.node.window,
      parent: this.node,
      keyed,
      combineFn: combineFn as CombineFn<unknown, unknown, unknown>,
      ...(emptyOutput === undefined ? {} : { emptyOutput }),
    }));
    return new DStream<R>(this.pipeline, node);
  }
}
