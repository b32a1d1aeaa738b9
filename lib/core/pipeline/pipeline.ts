import { createHash } from 'node:crypto';
import { InvalidPipelineError } from '../errors';
import type { ForeachBatchContext } from '../evaluation/batch-context';
import type { PipelinePlan, StatefulOperatorDescriptor } from '../plan/types';
import type { ReferenceData } from '../reference';
import type { SourceRecord } from '../records';
import { DStream } from './dstream';
import type { StreamingQueryListener } from './listeners';
import {
  type MapWithStateNode,
  OutputMode,
  type OutputNode,
  type SourceNode,
  type StatefulNode,
  type StreamNode,
  type WindowedNode,
} from './graph';

const NAME_PATTERN = /^[a-z][a-z0-9-]{0,62}$/;

/** Where a pipeline reads from. */
export const SourceKind = {
  Kinesis: 'kinesis',
  TextFiles: 'text-files',
} as const;

/** One of the {@link SourceKind} values. */
export type SourceKind = (typeof SourceKind)[keyof typeof SourceKind];

/** Where a pipeline reads from, as the plan describes it. */
export type SourceDescriptor =
  | { readonly kind: typeof SourceKind.Kinesis }
  | { readonly kind: typeof SourceKind.TextFiles; readonly prefix: string };

/**
 * A streaming pipeline: one definition evaluated by the in-memory runner, run by the Lambda
 * handler factory, read by the CDK construct, and run by the local runner.
 *
 * @example
 * export const wordCount = pipeline('word-count')
 *   .fromKinesis()
 *   .map((record) => decodeUtf8(record.value))
 *   .flatMap((line) => line.split(' '))
 *   .mapToPair((word) => [word, 1] as const)
 *   .reduceByKey((a, b) => a + b)
 *   .print();
 */
export class Pipeline {
  /** The pipeline's name: lower-case letters, digits and dashes. */
  public readonly name: string;
  private readonly nodes: StreamNode[] = [];
  private readonly outputNodes: OutputNode[] = [];
  private readonly referenceList: ReferenceData<unknown>[] = [];
  private readonly listenerList: StreamingQueryListener[] = [];
  private source: { readonly descriptor: SourceDescriptor; readonly node: SourceNode } | undefined;

  public constructor(name: string) {
    if (!NAME_PATTERN.test(name)) {
      throw new InvalidPipelineError(
        `pipeline name must be 1-63 lower-case letters, digits or dashes, starting with a letter (given ${JSON.stringify(name)})`,
      );
    }
    this.name = name;
  }

  /** Reads from the Kinesis stream the pipeline is deployed with: one element per record. */
  public fromKinesis(): DStream<SourceRecord> {
    return this.setSource({ kind: SourceKind.Kinesis });
  }

  /**
   * Reads new text files under an S3 prefix (Spark's `textFileStream`): one element per line,
   * each object processed exactly once (its partition is the object key and ETag, its
   * offsets the line numbers).
   */
  public fromTextFiles(options: { readonly prefix: string }): DStream<SourceRecord> {
    if (options.prefix.startsWith('/') || options.prefix.includes('..')) {
      throw new InvalidPipelineError(
        `text file prefix must be a relative S3 key prefix such as "input/" (given ${JSON.stringify(options.prefix)})`,
      );
    }
    return this.setSource({ kind: SourceKind.TextFiles, prefix: options.prefix });
  }

  /** Where the pipeline reads from; throws if it has no source yet. */
  public get sourceDescriptor(): SourceDescriptor {
    if (this.source === undefined) {
      throw new InvalidPipelineError(
        `pipeline ${this.name} has no source: call fromKinesis() or fromTextFiles() first`,
      );
    }
    return this.source.descriptor;
  }

  private setSource(descriptor: SourceDescriptor): DStream<SourceRecord> {
    if (this.source !== undefined) {
      throw new InvalidPipelineError(
        `pipeline ${this.name} already has a ${this.source.descriptor.kind} source`,
      );
    }
    const node: SourceNode = {
      kind: 'source',
      index: 0,
      stage: 'source#0',
      downstreamOfState: false,
      window: undefined,
    };
    this.nodes.push(node);
    this.source = { descriptor, node };
    return new DStream<SourceRecord>(this, node);
  }

  /** The source node; throws if the pipeline has no source yet. */
  public get sourceNode(): SourceNode {
    if (this.source === undefined) {
      throw new InvalidPipelineError(
        `pipeline ${this.name} has no source: call fromKinesis() or fromTextFiles() first`,
      );
    }
    return this.source.node;
  }

  /** The output operations in declaration order. */
  public get outputs(): readonly OutputNode[] {
    return this.outputNodes;
  }

  /** The stateful nodes (keyed state, mapWithState and windows) in creation order. */
  public get statefulNodes(): readonly (StatefulNode | MapWithStateNode | WindowedNode)[] {
    return this.nodes.filter(
      (node): node is StatefulNode | MapWithStateNode | WindowedNode =>
        node.kind === 'stateful' || node.kind === 'mapWithState' || node.kind === 'windowed',
    );
  }

  /** The `mapWithState` nodes with a timeout, in creation order: the scheduled trigger sweeps their idle keys. */
  public get timeoutNodes(): readonly MapWithStateNode[] {
    return this.nodes.filter(
      (node): node is MapWithStateNode => node.kind === 'mapWithState' && node.timeoutMs !== undefined,
    );
  }

  /** The windowed nodes in creation order. */
  public get windowedNodes(): readonly WindowedNode[] {
    return this.nodes.filter((node): node is WindowedNode => node.kind === 'windowed');
  }

  /**
   * The append-mode windowed nodes in creation order: their windows fire when the watermark passes
   * them (update- and complete-mode operators emit with their batches).
   */
  public get firedWindowNodes(): readonly WindowedNode[] {
    return this.windowedNodes.filter((node) => node.outputMode === OutputMode.Append);
  }

  /** The static description adapters read: stateful operators, fingerprint, needs. */
  public get plan(): PipelinePlan {
    const statefulOperators = this.statefulNodes.map((node): StatefulOperatorDescriptor =>
      node.kind === 'windowed'
        ? {
            id: node.operatorId,
            kind: node.operatorKind,
            window: {
              outputMode: node.outputMode,
              lengthMs: node.spec.lengthMs,
              slideMs: node.spec.slideMs,
            },
          }
        : { id: node.operatorId, kind: node.operatorKind },
    );
    return {
      name: this.name,
      source: this.sourceDescriptor,
      statefulOperators,
      fingerprint: createHash('sha256').update(JSON.stringify(statefulOperators)).digest('hex').slice(0, 16),
      needsStateStore: statefulOperators.length > 0,
      needsWindowTrigger: this.firedWindowNodes.length > 0 || this.timeoutNodes.length > 0,
      outputs: this.outputNodes.map((output) => output.kind),
      references: this.referenceList.map(({ name, source, refreshIntervalMs }) => ({
        name,
        source,
        refreshIntervalMs,
      })),
      textFilePrefixes: this.outputNodes.flatMap((output) =>
        output.kind === 'saveAsTextFiles' ? [output.prefix] : [],
      ),
      progressTargets: this.listenerList.flatMap((listener) =>
        listener.target === undefined ? [] : [listener.target],
      ),
    };
  }

  /**
   * Registers a listener (Spark's `addListener`): a built-in forwarder such as
   * `forwardProgressToKinesis(...)`, or your own object. See {@link StreamingQueryListener} for when
   * it is called and the delivery semantics (at least once: dedupe by `id`, `partition`, `batchId`).
   */
  public addListener(listener: StreamingQueryListener): this {
    this.listenerList.push(listener);
    return this;
  }

  /** Calls `fn` with each committed batch's progress record (at least once; a replay has `replayed: true`). */
  public onProgress(fn: NonNullable<StreamingQueryListener['onProgress']>): this {
    return this.addListener({ onProgress: fn });
  }

  /** Calls `fn` with the failure event of each failed attempt. */
  public onFailure(fn: NonNullable<StreamingQueryListener['onFailure']>): this {
    return this.addListener({ onFailure: fn });
  }

  /** The registered listeners, in registration order. */
  public get listeners(): readonly StreamingQueryListener[] {
    return this.listenerList;
  }

  /** @internal Called by {@link DStream} to add a node; assigns its index. */
  public addNode<N extends StreamNode>(build: (index: number) => N): N {
    const node = build(this.nodes.length);
    if ('operatorId' in node && this.statefulNodes.some((other) => other.operatorId === node.operatorId)) {
      throw new InvalidPipelineError(
        `pipeline ${this.name} has two stateful operators named ${JSON.stringify(node.operatorId)}: give each a distinct name`,
      );
    }
    this.nodes.push(node);
    return node;
  }

  /** The reference data the pipeline reads, each once. */
  public get references(): readonly ReferenceData<unknown>[] {
    return this.referenceList;
  }

  /** @internal Registers reference data read by an operator; one name stands for one declaration. */
  public declareReference(reference: ReferenceData<unknown>): void {
    const known = this.referenceList.find((other) => other.name === reference.name);
    if (known === reference) return;
    if (known !== undefined) {
      throw new InvalidPipelineError(
        `pipeline ${this.name} declares two different reference data named ${JSON.stringify(reference.name)}: give each its own name`,
      );
    }
    this.referenceList.push(reference);
  }

  /** @internal Called by {@link DStream} output operations. */
  public addOutput(output: OutputNode): this {
    this.outputNodes.push(output);
    return this;
  }

  /** @internal Number of stateful nodes so far (for default operator ids). */
  public get statefulCount(): number {
    return this.statefulNodes.length;
  }
}

/** Starts a pipeline definition. See {@link Pipeline}. */
export function pipeline(name: string): Pipeline {
  return new Pipeline(name);
}

/** The signature of a `foreachBatch` function. */
export type ForeachBatchFunction<T> = (
  elements: readonly T[],
  context: ForeachBatchContext,
) => void | Promise<void>;
