import { ErrorCode, InvalidConfigurationError, SparklessError, UserCodeError } from '../errors';
import { formatPrintBlock, formatSparkValue } from '../output/spark-format';
import {
  asMapWithStateItem,
  failureError,
  foldMapWithState,
  hasState,
  type StoredTimeout,
  timeoutBatchId,
} from '../map-with-state';
import type {
  AggregateNode,
  MapWithStateNode,
  OperatorEnvironment,
  OutputNode,
  ParDoNode,
  StatefulNode,
  StreamNode,
  TimestampNode,
  TransformNode,
  WindowedNode,
} from '../pipeline/graph';
import { OutputMode, parentsOf } from '../pipeline/graph';
import { encodeOffsetKey } from '../offsets';
import {
  type PaneItem,
  paneGroup,
  paneItemKey,
  paneStartOf,
  shardOf,
  type Window,
  windowItemExpiresAtSeconds,
  windowEndsContaining,
  windowEndsOfPane,
  windowResults,
} from '../windows';
import { accumulatorStep, applyWindowTable, type WindowInput } from './window-table';
import type { Pipeline } from '../pipeline/pipeline';
import type { InputRecord } from '../records';
import type { ReferenceResolver } from '../reference';
import type { BatchContext, OutputDeadLetter } from './batch-context';
import { type DeadLetter, failedKeyDeadLetter } from './dead-letter';
import { type Element, latestEventTime, mergeOrigins, type Origin, originRecords } from './element';
import { asPair, decodeKey, encodeKey } from './keys';
import type { KeyGroup, StateBackend } from './state-backend';
import type { TextFileSink } from './text-file-sink';

/** One batch as the evaluator receives it. */
export interface BatchInput {
  readonly context: BatchContext;
  /** The batch's records in offset order, all from `context.partition`. */
  readonly records: readonly InputRecord[];
  /**
   * The partition's event-time clock when the batch was claimed (see `OperatorEnvironment.eventTimeClock`).
   *
   * @default -Infinity (nothing is late)
   */
  readonly eventTimeClock?: number;
}

/** The ports the evaluator reaches the world through. */
export interface EvaluationPorts {
  /** Keyed state for stateful operators. */
  readonly state: StateBackend;
  /** Where `print` blocks go (the function log, stdout, or an array in tests). */
  readonly print: (block: string) => void;
  /**
   * Loaded reference data for `transform` and the joins.
   *
   * @default none: a pipeline that reads reference data fails
   */
  readonly references?: ReferenceResolver;
  /**
   * Where `saveAsTextFiles` writes.
   *
   * @default none: a pipeline that saves text files fails
   */
  readonly textFiles?: TextFileSink;
}

/** What evaluating one batch produced besides its outputs. */
export interface BatchEvaluation {
  /** Records and elements set aside, with reasons. */
  readonly deadLetters: readonly DeadLetter[];
  /** Records that went through the pipeline (input minus dead-lettered records). */
  readonly processedRecords: number;
  /** Elements too late for every window they belong to. */
  readonly late: readonly LateElement[];
  /** The latest event time of the elements that reached a windowed operator, if any did. */
  readonly maxEventTime: number | undefined;
  /** Per windowed operator id, the pane starts the batch wrote to. */
  readonly panesTouched: ReadonlyMap<string, ReadonlySet<number>>;
  /**
   * Per `mapWithState` operator with a timeout, per key id, the timer bucket its written fold needs
   * registered (whether this attempt folded it or found it folded by an earlier one): the runtime
   * writes these timers before the batch commits.
   */
  readonly timers: ReadonlyMap<string, ReadonlyMap<string, number>>;
}

/** An element that arrived after every window it belongs to had closed. */
export interface LateElement {
  /** The windowed operator. */
  readonly operatorId: string;
  readonly value: unknown;
  readonly eventTime: number;
  /** Offset keys of the contributing records. */
  readonly offsetKeys: readonly string[];
  /** Whether the operator keeps late data (late-data sink) or only counts it. */
  readonly keep: boolean;
}

/** Thrown inside phase A to drop records whose user code failed, then evaluate again. */
class PoisonedRecords {
  public constructor(
    public readonly records: readonly InputRecord[],
    public readonly stage: string,
    public readonly error: unknown,
  ) {}
}

const noReferences: ReferenceResolver = {
  get: (reference) => {
    throw new InvalidConfigurationError(
      `reference data ${JSON.stringify(reference.name)} is not loaded: run the pipeline through a runtime that loads its references`,
    );
  },
};

/**
 * Evaluates one batch of a pipeline: every operator, every stateful step through the
 * {@link StateBackend} port, then every output in declaration order.
 *
 * Failures of user code are isolated. Upstream of any state write, the failing record is
 * dead-lettered and the batch is evaluated again without it (user functions are pure, so
 * this is safe and the record affects nothing). Downstream of a state write, the failing
 * element is dead-lettered and dropped. Output operations are not isolated: a throwing
 * `foreachBatch` fails the batch so that it is retried with the same batch id.
 */
export async function evaluateBatch(
  pipeline: Pipeline,
  input: BatchInput,
  ports: EvaluationPorts,
): Promise<BatchEvaluation> {
  const deadLetters: DeadLetter[] = [];
  const poisoned = new Set<InputRecord>();
  const environment: OperatorEnvironment = {
    references: ports.references ?? noReferences,
    batch: input.context,
    eventTimeClock: input.eventTimeClock ?? Number.NEGATIVE_INFINITY,
  };
  let evaluator: Evaluator;
  for (;;) {
    evaluator = new Evaluator(
      input.records.filter((record) => !poisoned.has(record)),
      environment,
      ports.state,
      deadLetters,
      undefined,
    );
    try {
      evaluator.evaluateStateless(pipeline.outputs);
      break;
    } catch (signal) {
      if (!(signal instanceof PoisonedRecords)) throw signal;
      for (const record of signal.records) {
        if (poisoned.has(record)) continue;
        poisoned.add(record);
        deadLetters.push({ kind: 'record', record, stage: signal.stage, error: signal.error });
      }
    }
  }
  for (const output of pipeline.outputs) {
    if (output.parent.window !== undefined) await evaluator.evaluate(output.parent);
    else {
      const elements = await evaluator.evaluate(output.parent);
      await runOutput(pipeline, output, elements, input.context, ports, deadLetters);
    }
  }
  return {
    deadLetters,
    processedRecords: input.records.length - poisoned.size,
    late: evaluator.late,
    maxEventTime: evaluator.maxEventTime,
    panesTouched: evaluator.panesTouched,
    timers: evaluator.timers,
  };
}

/** One window of a windowed operator, ready to fire. */
export interface WindowFiring {
  readonly node: WindowedNode;
  readonly window: Window;
  /** The window's stored pane accumulators (any extra items are ignored). */
  readonly items: readonly PaneItem[];
}

/**
 * Fires one window: computes its result per key from its panes and runs everything
 * downstream of the windowed operator (transforms, outputs) with a batch context whose id,
 * `<operatorId>@<windowEnd>`, is the same however often the window fires.
 */
export async function evaluateWindowFiring(
  pipeline: Pipeline,
  firing: WindowFiring,
  ports: EvaluationPorts,
): Promise<BatchEvaluation> {
  const { node, window } = firing;
  const context: BatchContext = {
    batchId: `${node.operatorId}@${window.end}`,
    batchNumber: Math.floor(window.end / node.spec.slideMs),
    batchTime: window.end,
    partition: `window:${node.operatorId}`,
    firstOffset: String(window.end),
    lastOffset: String(window.end),
    window,
  };
  const origin: Origin = { records: [], offsetKey: encodeOffsetKey(String(window.end)) };
  const results = windowResults(node.spec, node.combineFn, firing.items, window.end);
  const elements: Element[] = [...results].map(([keyId, output]) => ({
    value: node.keyed ? [decodeKey(keyId), output] : output,
    origin,
    eventTime: window.end,
  }));
  return runFiring(
    pipeline,
    { node, elements },
    context,
    [],
    ports,
    (output) => output.parent.window === node.operatorId,
  );
}

/** The keys one sweep of a timer bucket timed out (now or in an earlier attempt), ready to emit. */
export interface TimeoutFiring {
  readonly node: MapWithStateNode;
  /** The swept timer bucket (epoch ms). */
  readonly bucket: number;
  /** Per key, in key id order, what its timing-out call emitted (or the failure it dead-letters). */
  readonly keys: readonly { readonly key: unknown; readonly timedOut: StoredTimeout }[];
}

/**
 * Emits the outputs of one swept timer bucket of a `mapWithState` operator: runs everything
 * downstream of the operator (transforms, stateful steps, outputs) with a batch context whose id,
 * `<operatorId>@timeout@<bucket>`, is the same however often the bucket is swept. Timing-out calls
 * that threw are dead-lettered as `[key, state]`.
 */
export async function evaluateTimeoutFiring(
  pipeline: Pipeline,
  firing: TimeoutFiring,
  ports: EvaluationPorts,
): Promise<BatchEvaluation> {
  const { node, bucket } = firing;
  const context: BatchContext = {
    batchId: timeoutBatchId(node.operatorId, bucket),
    batchNumber: Math.floor(bucket / (node.timeoutBucketMs ?? 1)),
    batchTime: bucket,
    partition: `timeout:${node.operatorId}`,
    firstOffset: String(bucket),
    lastOffset: String(bucket),
  };
  const origin: Origin = { records: [], offsetKey: encodeOffsetKey(String(bucket)) };
  const deadLetters: DeadLetter[] = [];
  const elements: Element[] = [];
  for (const { timedOut } of firing.keys) {
    for (const failure of timedOut.failures ?? []) {
      deadLetters.push({
        kind: 'element',
        stage: node.stage,
        error: new UserCodeError(node.stage, failureError(failure)),
        value: failure.value,
        offsetKeys: [],
      });
    }
    for (const value of timedOut.values) elements.push({ value, origin, eventTime: bucket });
  }
  const downstream = downstreamOf(node);
  return runFiring(pipeline, { node, elements }, context, deadLetters, ports, (output) =>
    downstream(output.parent),
  );
}

/**
 * Runs the outputs a firing feeds (`runs`): `firing.node` yields `firing.elements`, everything
 * downstream of it is evaluated with the firing's batch context.
 */
async function runFiring(
  pipeline: Pipeline,
  firing: { readonly node: WindowedNode | MapWithStateNode; readonly elements: readonly Element[] },
  context: BatchContext,
  deadLetters: DeadLetter[],
  ports: EvaluationPorts,
  runs: (output: OutputNode) => boolean,
): Promise<BatchEvaluation> {
  const evaluator = new Evaluator(
    [],
    {
      references: ports.references ?? noReferences,
      batch: context,
      eventTimeClock: Number.NEGATIVE_INFINITY,
    },
    ports.state,
    deadLetters,
    firing,
  );
  for (const output of pipeline.outputs) {
    if (runs(output)) {
      const elements = await evaluator.evaluate(output.parent);
      await runOutput(pipeline, output, elements, context, ports, deadLetters);
    }
  }
  return {
    deadLetters,
    processedRecords: 0,
    late: [],
    maxEventTime: undefined,
    panesTouched: new Map(),
    timers: evaluator.timers,
  };
}

/** A predicate telling whether a node is `ancestor` or downstream of it (memoized). */
function downstreamOf(ancestor: StreamNode): (node: StreamNode) => boolean {
  const known = new Map<StreamNode, boolean>();
  const test = (node: StreamNode): boolean => {
    const cached = known.get(node);
    if (cached !== undefined) return cached;
    const result = node === ancestor || parentsOf(node).some(test);
    known.set(node, result);
    return result;
  };
  return test;
}

async function runOutput(
  pipeline: Pipeline,
  output: OutputNode,
  elements: readonly Element[],
  context: BatchContext,
  ports: EvaluationPorts,
  deadLetters: DeadLetter[],
): Promise<void> {
  const values = elements.map((element) => element.value);
  switch (output.kind) {
    case 'print':
      ports.print(formatPrintBlock(context.batchTime, values, output.num));
      return;
    case 'foreachBatch': {
      const stage = `foreachBatch#${pipeline.outputs.indexOf(output)}`;
      let running = true;
      const deadLetter = ({ key, value, error }: OutputDeadLetter): void => {
        if (!running) {
          throw new SparklessError(
            ErrorCode.InvalidStateAccess,
            `${stage}: context.deadLetter was called after the foreachBatch function returned, when batch ${context.batchId}'s dead letters were already written: call it (and await what calls it) before returning`,
          );
        }
        deadLetters.push({ kind: 'element', stage, error, value, offsetKeys: [], id: `${stage}/${key}` });
      };
      try {
        await output.fn(values, { ...context, deadLetter });
      } finally {
        running = false;
      }
      return;
    }
    case 'saveAsTextFiles': {
      if (ports.textFiles === undefined) {
        throw new InvalidConfigurationError(
          'saveAsTextFiles needs a text file sink: run it through the runtime',
        );
      }
      if (values.length === 0) return;
      const name = `${output.prefix}-${context.batchTime}${output.suffix === undefined ? '' : `.${output.suffix}`}`;
      await ports.textFiles.write(
        `${name}/part-${context.partition}`,
        `${values.map(formatSparkValue).join('\n')}\n`,
      );
      return;
    }
  }
}

class Evaluator {
  /** Elements too late for all their windows. */
  public readonly late: LateElement[] = [];
  /** Pane starts written, per windowed operator. */
  public readonly panesTouched = new Map<string, Set<number>>();
  /** The latest event time that reached a windowed operator. */
  public maxEventTime: number | undefined;
  /** Timer buckets of the live keys, per `mapWithState` operator with a timeout. */
  public readonly timers = new Map<string, Map<string, number>>();
  private readonly results = new Map<StreamNode, readonly Element[]>();

  /**
   * @param firing when set, the evaluator fires a window or a swept timer bucket: its node yields the
   * given elements, windowed operators and the source nothing.
   */
  public constructor(
    private readonly records: readonly InputRecord[],
    private readonly environment: OperatorEnvironment,
    private readonly state: StateBackend,
    private readonly deadLetters: DeadLetter[],
    private readonly firing:
      { readonly node: WindowedNode | MapWithStateNode; readonly elements: readonly Element[] } | undefined,
  ) {}

  /** Phase A: every node upstream of state, so record failures surface before any write. */
  public evaluateStateless(outputs: readonly OutputNode[]): void {
    const visit = (node: StreamNode): void => {
      if (this.results.has(node) || node.downstreamOfState) {
        for (const parent of parentsOf(node)) visit(parent);
        return;
      }
      const parents = parentsOf(node).map((parent) => {
        visit(parent);
        return this.results.get(parent) as readonly Element[];
      });
      this.results.set(node, this.evaluateSync(node, parents));
    };
    for (const output of outputs) visit(output.parent);
  }

  /** Phase B: everything, with stateful steps awaited. */
  public async evaluate(node: StreamNode): Promise<readonly Element[]> {
    const cached = this.results.get(node);
    if (cached !== undefined) return cached;
    if (this.firing !== undefined && node === this.firing.node) {
      this.results.set(node, this.firing.elements);
      return this.firing.elements;
    }
    const parents: (readonly Element[])[] = [];
    for (const parent of parentsOf(node)) parents.push(await this.evaluate(parent));
    let result: readonly Element[];
    if (node.kind === 'stateful') result = await this.applyState(node, parents[0] ?? []);
    else if (node.kind === 'mapWithState') result = await this.applyMapWithState(node, parents[0] ?? []);
    else if (node.kind === 'windowed') {
      result = this.firing === undefined ? await this.applyWindow(node, parents[0] ?? []) : [];
    } else result = this.evaluateSync(node, parents);
    this.results.set(node, result);
    return result;
  }

  private evaluateSync(node: StreamNode, parents: readonly (readonly Element[])[]): readonly Element[] {
    const parent = parents[0] ?? [];
    switch (node.kind) {
      case 'source':
        return this.records.map((record) => ({
          value: record,
          origin: record,
          eventTime: record.arrivalTime,
        }));
      case 'parDo':
        return this.parDo(node, parent);
      case 'timestamps':
        return this.timestamps(node, parent);
      case 'union':
        return parents.flat();
      case 'aggregate':
        return node.keyed ? this.aggregateByKey(node, parent) : this.aggregateAll(node, parent);
      case 'transform':
        return this.transform(node, parent);
      case 'stateful':
      case 'mapWithState':
      case 'windowed':
        throw new SparklessError(
          ErrorCode.InvalidPipeline,
          `stateful node ${node.stage} needs the state backend`,
        );
    }
  }

  private timestamps(node: TimestampNode, parent: readonly Element[]): Element[] {
    const out: Element[] = [];
    for (const element of parent) {
      try {
        const eventTime = node.extract(element.value);
        if (!Number.isFinite(eventTime))
          throw new Error(`event time must be a finite number of ms (given ${eventTime})`);
        out.push({ value: element.value, origin: element.origin, eventTime });
      } catch (error) {
        this.fail(node, error, [element]);
      }
    }
    return out;
  }

  private async applyWindow(node: WindowedNode, parent: readonly Element[]): Promise<readonly Element[]> {
    const inputs: WindowInput[] = [];
    for (const element of parent) {
      try {
        const [key, value] = node.keyed ? asPair(element.value, node.stage) : [null, element.value];
        inputs.push({ element, key, keyId: encodeKey(key), value });
      } catch (error) {
        this.fail(node, error, [element]);
        continue;
      }
      if (this.maxEventTime === undefined || element.eventTime > this.maxEventTime)
        this.maxEventTime = element.eventTime;
    }
    const closedUpTo = this.environment.eventTimeClock - node.spec.allowedLatenessMs;
    if (node.outputMode === OutputMode.Append) {
      await this.applyPanes(node, inputs, closedUpTo);
      return [];
    }
    const { rows, late } = await applyWindowTable(node, inputs, {
      state: this.state,
      partition: this.environment.batch.partition,
      closedUpTo,
      deadLetter: (deadLetter) => this.deadLetters.push(deadLetter),
    });
    for (const input of late) this.reportLate(node, input.element);
    return rows;
  }

  /** Append mode: folds every input into its (pane, lateness bucket, key) accumulator; windows fire later. */
  private async applyPanes(
    node: WindowedNode,
    inputs: readonly WindowInput[],
    closedUpTo: number,
  ): Promise<void> {
    const { spec } = node;
    const groups = new Map<string, { group: PaneKeyGroup; key: unknown }>();
    const panes = this.panesTouched.get(node.operatorId) ?? new Set<number>();
    for (const { element, key, keyId, value } of inputs) {
      const bucket = windowEndsContaining(spec, element.eventTime).find((end) => end > closedUpTo);
      if (bucket === undefined) {
        this.reportLate(node, element);
        continue;
      }
      const paneStart = paneStartOf(spec, element.eventTime);
      const itemKey = paneItemKey(paneStart, bucket, keyId);
      let entry = groups.get(itemKey);
      if (entry === undefined) {
        const lastEnd = windowEndsOfPane(spec, paneStart).at(-1) ?? paneStart + spec.lengthMs;
        entry = {
          key,
          group: {
            key,
            keyId: itemKey,
            values: [],
            offsetKeys: [],
            storageGroup: paneGroup(paneStart, shardOf(keyId, node.paneShards)),
            expiresAtSeconds: windowItemExpiresAtSeconds(spec, lastEnd),
          },
        };
        groups.set(itemKey, entry);
      }
      entry.group.values.push(value);
      entry.group.offsetKeys.push(element.origin.offsetKey);
      panes.add(paneStart);
    }
    this.panesTouched.set(node.operatorId, panes);
    const outcomes = await this.state.apply(
      accumulatorStep(node, this.environment.batch.partition),
      [...groups.values()].map((entry) => entry.group),
    );
    for (const [itemKey, entry] of groups) {
      const outcome = outcomes.get(itemKey);
      if (outcome?.kind === 'failed')
        this.deadLetters.push(
          failedKeyDeadLetter(node.stage, outcome.error, entry.group, entry.group.offsetKeys),
        );
    }
  }

  private reportLate(node: WindowedNode, element: Element): void {
    this.late.push({
      operatorId: node.operatorId,
      value: element.value,
      eventTime: element.eventTime,
      offsetKeys: originRecords(element.origin).map((record) => record.offsetKey),
      keep: node.keepLateData,
    });
  }

  private parDo(node: ParDoNode, parent: readonly Element[]): Element[] {
    const out: Element[] = [];
    for (const element of parent) {
      try {
        for (const value of node.fn(element.value, this.environment))
          out.push({ value, origin: element.origin, eventTime: element.eventTime });
      } catch (error) {
        this.fail(node, error, [element]);
      }
    }
    return out;
  }

  private aggregateByKey(node: AggregateNode, parent: readonly Element[]): Element[] {
    const out: Element[] = [];
    const fn = node.combineFn;
    for (const group of this.groupByKey(node, parent).values()) {
      try {
        let accumulator = fn.createAccumulator();
        for (const value of group.values) accumulator = fn.addInput(accumulator, value);
        out.push({
          value: [group.key, fn.extractOutput(accumulator)],
          origin: mergeOrigins(group.origins),
          eventTime: latestEventTime(group.elements),
        });
      } catch (error) {
        this.fail(node, error, group.elements);
      }
    }
    return out;
  }

  private aggregateAll(node: AggregateNode, parent: readonly Element[]): Element[] {
    if (parent.length === 0) {
      return node.emptyOutput === undefined
        ? []
        : [
            {
              value: node.emptyOutput(),
              origin: mergeOrigins([]),
              eventTime: this.environment.batch.batchTime,
            },
          ];
    }
    const fn = node.combineFn;
    try {
      let accumulator = fn.createAccumulator();
      for (const element of parent) accumulator = fn.addInput(accumulator, element.value);
      return [
        {
          value: fn.extractOutput(accumulator),
          origin: mergeOrigins(parent.map((element) => element.origin)),
          eventTime: latestEventTime(parent),
        },
      ];
    } catch (error) {
      this.fail(node, error, parent);
      return [];
    }
  }

  private transform(node: TransformNode, parent: readonly Element[]): Element[] {
    const origin = mergeOrigins(parent.map((element) => element.origin));
    const eventTime = parent.length === 0 ? this.environment.batch.batchTime : latestEventTime(parent);
    try {
      return Array.from(
        node.fn(
          parent.map((element) => element.value),
          this.environment,
        ),
        (value) => ({ value, origin, eventTime }),
      );
    } catch (error) {
      this.fail(node, error, parent);
      return [];
    }
  }

  private async applyState(node: StatefulNode, parent: readonly Element[]): Promise<readonly Element[]> {
    const groups = this.groupByKey(node, parent);
    const keyGroups: KeyGroup[] = [...groups.entries()].map(([keyId, group]) => ({
      key: group.key,
      keyId,
      values: group.values,
      offsetKeys: group.origins.map((origin) => origin.offsetKey),
    }));
    const outcomes = await this.state.apply(
      {
        operatorId: node.operatorId,
        partition: this.environment.batch.partition,
        update: (values, state) => node.update(values, state),
      },
      keyGroups,
    );
    const out: Element[] = [];
    for (const [keyId, group] of groups) {
      const outcome = outcomes.get(keyId);
      if (outcome === undefined) continue;
      if (outcome.kind === 'failed') {
        this.deadLetters.push(
          failedKeyDeadLetter(
            node.stage,
            outcome.error,
            group,
            group.origins.map((origin) => origin.offsetKey),
          ),
        );
      } else if (outcome.state !== undefined) {
        out.push({
          value: [group.key, outcome.state],
          origin: mergeOrigins(group.origins),
          eventTime: latestEventTime(group.elements),
        });
      }
    }
    return out;
  }

  /**
   * Folds each key's values with the user's function (fenced like every state write) and emits the
   * outputs of the fold that was written: this attempt's, or, when an earlier attempt already folded
   * the batch's values, the ones it stored; and reports the timer the written fold needs registered
   * (its own attempt's or the earlier one's: a replay registers it again, in case that attempt
   * crashed before registering).
   */
  private async applyMapWithState(
    node: MapWithStateNode,
    parent: readonly Element[],
  ): Promise<readonly Element[]> {
    const groups = this.groupByKey(node, parent);
    const { partition, batchTime } = this.environment.batch;
    const outcomes = await this.state.apply(
      {
        operatorId: node.operatorId,
        partition,
        update: (values, stored, fold) =>
          foldMapWithState(node, { key: fold.key, partition, mark: fold.mark, batchTime }, values, stored),
        isRemoved: (stored) => !hasState(asMapWithStateItem(stored)),
      },
      [...groups.entries()].map(([keyId, group]) => ({
        key: group.key,
        keyId,
        values: group.values,
        offsetKeys: group.origins.map((origin) => origin.offsetKey),
      })),
    );
    const out: Element[] = [];
    let timers: Map<string, number> | undefined;
    if (node.timeoutMs !== undefined) {
      timers = this.timers.get(node.operatorId) ?? new Map<string, number>();
      this.timers.set(node.operatorId, timers);
    }
    for (const [keyId, group] of groups) {
      const outcome = outcomes.get(keyId);
      if (outcome === undefined) continue;
      const offsetKeys = group.origins.map((origin) => origin.offsetKey);
      if (outcome.kind === 'failed') {
        this.deadLetters.push(failedKeyDeadLetter(node.stage, outcome.error, group, offsetKeys));
        continue;
      }
      const item = asMapWithStateItem(outcome.state);
      const written = item?.outputs?.[partition];
      if (written !== undefined && written.mark === highest(offsetKeys)) {
        for (const failure of written.failures ?? []) {
          this.deadLetters.push({
            kind: 'element',
            stage: node.stage,
            error: new UserCodeError(node.stage, failureError(failure)),
            value: failure.value,
            offsetKeys,
          });
        }
        const origin = mergeOrigins(group.origins);
        const eventTime = latestEventTime(group.elements);
        for (const value of written.values) out.push({ value, origin, eventTime });
        if (timers !== undefined && written.timer !== undefined) timers.set(keyId, written.timer);
      }
    }
    return out;
  }

  private groupByKey(
    node: AggregateNode | StatefulNode | MapWithStateNode,
    parent: readonly Element[],
  ): Map<string, Group> {
    const groups = new Map<string, Group>();
    for (const element of parent) {
      let pair: readonly [unknown, unknown];
      let keyId: string;
      try {
        pair = asPair(element.value, node.stage);
        keyId = encodeKey(pair[0]);
      } catch (error) {
        this.fail(node, error, [element]);
        continue;
      }
      let group = groups.get(keyId);
      if (group === undefined) {
        group = { key: pair[0], values: [], origins: [], elements: [] };
        groups.set(keyId, group);
      }
      group.values.push(pair[1]);
      group.origins.push(element.origin);
      group.elements.push(element);
    }
    return groups;
  }

  private fail(node: StreamNode, error: unknown, elements: readonly Element[]): void {
    const cause = error instanceof UserCodeError ? error : new UserCodeError(node.stage, error);
    if (!node.downstreamOfState) {
      const records = elements.flatMap((element) => originRecords(element.origin));
      throw new PoisonedRecords(records, node.stage, cause);
    }
    for (const element of elements) {
      this.deadLetters.push({
        kind: 'element',
        stage: node.stage,
        error: cause,
        value: element.value,
        offsetKeys: originRecords(element.origin).map((record) => record.offsetKey),
      });
    }
  }
}

interface PaneKeyGroup extends KeyGroup {
  readonly values: unknown[];
  readonly offsetKeys: string[];
}

interface Group {
  readonly key: unknown;
  readonly values: unknown[];
  readonly origins: Origin[];
  readonly elements: Element[];
}

/** The highest of some offset keys (they compare as strings). */
function highest(offsetKeys: readonly string[]): string | undefined {
  let max: string | undefined;
  for (const offsetKey of offsetKeys) if (max === undefined || offsetKey > max) max = offsetKey;
  return max;
}
