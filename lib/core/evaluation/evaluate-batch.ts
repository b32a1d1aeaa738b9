import { ErrorCode, InvalidConfigurationError, SparklessError, UserCodeError } from '../errors';
import { formatPrintBlock, formatSparkValue } from '../output/spark-format';
import type {
  AggregateNode,
  OperatorEnvironment,
  OutputNode,
  ParDoNode,
  StatefulNode,
  StreamNode,
  TransformNode,
} from '../pipeline/graph';
import { parentsOf } from '../pipeline/graph';
import type { Pipeline } from '../pipeline/pipeline';
import type { InputRecord } from '../records';
import type { ReferenceResolver } from '../reference';
import type { BatchContext } from './batch-context';
import type { DeadLetter } from './dead-letter';
import { type Element, mergeOrigins, type Origin, originRecords } from './element';
import { asPair, encodeKey } from './keys';
import type { KeyGroup, StateBackend } from './state-backend';
import type { TextFileSink } from './text-file-sink';

/** One batch as the evaluator receives it. */
export interface BatchInput {
  readonly context: BatchContext;
  /** The batch's records in offset order, all from `context.partition`. */
  readonly records: readonly InputRecord[];
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
  };
  let evaluator: Evaluator;
  for (;;) {
    evaluator = new Evaluator(
      input.records.filter((record) => !poisoned.has(record)),
      environment,
      ports.state,
      deadLetters,
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
    const elements = await evaluator.evaluate(output.parent);
    await runOutput(output, elements, input.context, ports);
  }
  return { deadLetters, processedRecords: input.records.length - poisoned.size };
}

async function runOutput(
  output: OutputNode,
  elements: readonly Element[],
  context: BatchContext,
  ports: EvaluationPorts,
): Promise<void> {
  const values = elements.map((element) => element.value);
  switch (output.kind) {
    case 'print':
      ports.print(formatPrintBlock(context.batchTime, values, output.num));
      return;
    case 'foreachBatch':
      await output.fn(values, context);
      return;
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
  private readonly results = new Map<StreamNode, readonly Element[]>();

  public constructor(
    private readonly records: readonly InputRecord[],
    private readonly environment: OperatorEnvironment,
    private readonly state: StateBackend,
    private readonly deadLetters: DeadLetter[],
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
    const parents: (readonly Element[])[] = [];
    for (const parent of parentsOf(node)) parents.push(await this.evaluate(parent));
    const result =
      node.kind === 'stateful'
        ? await this.applyState(node, parents[0] ?? [])
        : this.evaluateSync(node, parents);
    this.results.set(node, result);
    return result;
  }

  private evaluateSync(node: StreamNode, parents: readonly (readonly Element[])[]): readonly Element[] {
    const parent = parents[0] ?? [];
    switch (node.kind) {
      case 'source':
        return this.records.map((record) => ({ value: record, origin: record }));
      case 'parDo':
        return this.parDo(node, parent);
      case 'union':
        return parents.flat();
      case 'aggregate':
        return node.keyed ? this.aggregateByKey(node, parent) : this.aggregateAll(node, parent);
      case 'transform':
        return this.transform(node, parent);
      case 'stateful':
        throw new SparklessError(
          ErrorCode.InvalidPipeline,
          `stateful node ${node.stage} needs the state backend`,
        );
    }
  }

  private parDo(node: ParDoNode, parent: readonly Element[]): Element[] {
    const out: Element[] = [];
    for (const element of parent) {
      try {
        for (const value of node.fn(element.value, this.environment))
          out.push({ value, origin: element.origin });
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
        out.push({ value: [group.key, fn.extractOutput(accumulator)], origin: mergeOrigins(group.origins) });
      } catch (error) {
        this.fail(node, error, group.elements);
      }
    }
    return out;
  }

  private aggregateAll(node: AggregateNode, parent: readonly Element[]): Element[] {
    if (parent.length === 0) {
      return node.emptyOutput === undefined ? [] : [{ value: node.emptyOutput(), origin: mergeOrigins([]) }];
    }
    const fn = node.combineFn;
    try {
      let accumulator = fn.createAccumulator();
      for (const element of parent) accumulator = fn.addInput(accumulator, element.value);
      return [
        {
          value: fn.extractOutput(accumulator),
          origin: mergeOrigins(parent.map((element) => element.origin)),
        },
      ];
    } catch (error) {
      this.fail(node, error, parent);
      return [];
    }
  }

  private transform(node: TransformNode, parent: readonly Element[]): Element[] {
    const origin = mergeOrigins(parent.map((element) => element.origin));
    try {
      return Array.from(
        node.fn(
          parent.map((element) => element.value),
          this.environment,
        ),
        (value) => ({ value, origin }),
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
      { operatorId: node.operatorId, partition: this.environment.batch.partition, update: node.update },
      keyGroups,
    );
    const out: Element[] = [];
    for (const [keyId, group] of groups) {
      const outcome = outcomes.get(keyId);
      if (outcome === undefined) continue;
      if (outcome.kind === 'failed') {
        this.deadLetters.push({
          kind: 'element',
          stage: node.stage,
          error: outcome.error,
          value: [group.key, group.values],
          offsetKeys: group.origins.map((origin) => origin.offsetKey),
        });
      } else if (outcome.state !== undefined) {
        out.push({ value: [group.key, outcome.state], origin: mergeOrigins(group.origins) });
      }
    }
    return out;
  }

  private groupByKey(node: AggregateNode | StatefulNode, parent: readonly Element[]): Map<string, Group> {
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

interface Group {
  readonly key: unknown;
  readonly values: unknown[];
  readonly origins: Origin[];
  readonly elements: Element[];
}
