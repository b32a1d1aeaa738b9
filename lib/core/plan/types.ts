import type { ProgressTarget } from '../pipeline/listeners';
import type { OutputMode } from '../pipeline/graph';
import type { SourceDescriptor } from '../pipeline/pipeline';
import type { ReferenceSource } from '../reference';

/**
 * The static description of a pipeline that adapters read without running it:
 * the CDK construct sizes its resources from it, the metadata checkpoint stores
 * its fingerprint, and the runtime checks it on cold start.
 */
export interface PipelinePlan {
  /** The pipeline's name, unique within an account and region (used in resource names and keys). */
  readonly name: string;
  /** Where the pipeline reads from: the CDK construct wires a stream or bucket notifications from it. */
  readonly source: SourceDescriptor;
  /** The stateful operators in evaluation order. */
  readonly statefulOperators: readonly StatefulOperatorDescriptor[];
  /** A stable hash of {@link statefulOperators}: equal fingerprints share state safely. */
  readonly fingerprint: string;
  /** True when the pipeline keeps keyed state and so needs the state table. */
  readonly needsStateStore: boolean;
  /**
   * True when the pipeline needs a scheduled trigger: to fire event-time windows on idle streams,
   * and to time out idle keys of `mapWithState` operators with a timeout.
   */
  readonly needsWindowTrigger: boolean;
  /** The output operations, in declaration order (e.g. `print`, `foreachBatch`). */
  readonly outputs: readonly string[];
  /** The reference data the pipeline reads (the construct grants read access to each source). */
  readonly references: readonly ReferenceDescriptor[];
  /** The prefixes `saveAsTextFiles` writes under (`s3://bucket/path`, or a key prefix in the pipeline's bucket). */
  readonly textFilePrefixes: readonly string[];
  /** The streams and buses built-in progress forwarders write to (the construct grants each its one write). */
  readonly progressTargets: readonly ProgressTarget[];
}

/** One stateful operator as the plan fingerprint sees it. */
export interface StatefulOperatorDescriptor {
  /** Stable id of the operator within the pipeline, used as the state key prefix. */
  readonly id: string;
  /** The operator kind, e.g. `updateStateByKey`, `mapWithState`, `reduceByKeyAndWindow`. */
  readonly kind: string;
  /**
   * For windowed operators, what their stored items mean: panes of `gcd(length, slide)` (append) or
   * one item per (window, key) (update, complete). Changing any of it changes the fingerprint.
   *
   * @default none (not a windowed operator)
   */
  readonly window?: {
    readonly outputMode: OutputMode;
    readonly lengthMs: number;
    readonly slideMs: number;
  };
}

/** A reference-data declaration as the plan lists it. */
export interface ReferenceDescriptor {
  readonly name: string;
  readonly source: ReferenceSource;
  readonly refreshIntervalMs: number;
}
