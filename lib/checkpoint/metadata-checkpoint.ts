import {
  ErrorCode,
  OutputMode,
  type PipelinePlan,
  SparklessError,
  type StatefulOperatorDescriptor,
} from '../core';
import { KinesisPartitionIdFormat } from '../sources';
import { getJson, type ObjectStore, putJson } from '../storage';

/** The format version {@link CheckpointManager} writes. */
export const CHECKPOINT_FORMAT_VERSION = 3;

/**
 * The metadata checkpoint (Spark's checkpoint directory, metadata part): what the stored
 * state was built by. Loaded on every cold start.
 */
export interface MetadataCheckpoint {
  /**
   * 3 since Kinesis partitions are identified by stream and shard ({@link partitionIdFormat});
   * 2 since windowed operators' descriptors carry their window and output mode; 1 before (every
   * window was append mode and its descriptor had id and kind only).
   */
  readonly formatVersion: 1 | 2 | 3;
  /**
   * How Kinesis partitions are named in ledgers, fencing marks, the write-ahead log and dead letters:
   * `stream-shard` (`kinesisPartitionId`) from format 3 on; absent before, when they were bare shard ids.
   *
   * @default absent (format 1 and 2: `shard-id`)
   */
  readonly partitionIdFormat?: KinesisPartitionIdFormat;
  /**
   * The older partition-id format whose ledgers, marks and logs may still exist in the namespace,
   * because it was written before format 3: a partition seen for the first time adopts its
   * shard id's ledger (see `ProcessPartitionOptions.legacyPartition`). Kept on every later rewrite.
   *
   * @default absent: the namespace started with format 3
   */
  readonly legacyPartitionIdFormat?: typeof KinesisPartitionIdFormat.ShardId;
  readonly pipeline: string;
  readonly namespace: string;
  readonly planFingerprint: string;
  readonly statefulOperators: readonly StatefulOperatorDescriptor[];
  readonly codeVersion: string;
  readonly config: Readonly<Record<string, string | number | boolean>>;
  readonly createdAt: number;
  readonly updatedAt: number;
}

/** A partition's committed progress as last snapshotted to the checkpoint. */
export interface OffsetsSnapshot {
  readonly partition: string;
  readonly committedOffset: string;
  readonly nextBatchNumber: number;
  readonly updatedAt: number;
}

/**
 * The stored state was built by a different stateful plan than the one deployed. Carries
 * both fingerprints; the message names the ways out.
 */
export class IncompatibleStatePlanError extends SparklessError {
  public constructor(
    public readonly stored: MetadataCheckpoint,
    public readonly current: PipelinePlan,
    namespace: string,
  ) {
    super(
      ErrorCode.IncompatibleStatePlan,
      `pipeline ${current.name}: the stateful operators changed (checkpoint ${describe(stored.statefulOperators)}, fingerprint ${stored.planFingerprint}; deployed ${describe(current.statefulOperators)}, fingerprint ${current.fingerprint}). ` +
        `Refusing to mix state of namespace "${namespace}" with a new plan. Either start fresh in a new namespace ` +
        `(set stateNamespace / SPARKLESS_STATE_NAMESPACE to e.g. "${namespace}-v2"), or keep the old operator ids ` +
        `by passing { name } to the stateful operators (the same name with another kind, window or output mode is a new plan).`,
    );
  }
}

/**
 * A format-1 checkpoint (written before descriptors carried windows) is the same plan when the
 * operators' ids and kinds are unchanged and every windowed operator is in append mode, the only
 * mode format 1 knew; the checkpoint is then rewritten in format 2.
 */
function upgradesFormat1(stored: MetadataCheckpoint, plan: PipelinePlan): boolean {
  if (stored.formatVersion !== 1) return false;
  const idsAndKinds = (operators: readonly StatefulOperatorDescriptor[]) =>
    JSON.stringify(operators.map(({ id, kind }) => ({ id, kind })));
  return (
    idsAndKinds(stored.statefulOperators) === idsAndKinds(plan.statefulOperators) &&
    plan.statefulOperators.every(
      (op) => op.window === undefined || op.window.outputMode === OutputMode.Append,
    )
  );
}

function describe(operators: readonly StatefulOperatorDescriptor[]): string {
  return `[${operators.map((op) => `${op.kind}:${op.id}${op.window === undefined ? '' : windowOf(op.window)}`).join(', ')}]`;
}

function windowOf(window: NonNullable<StatefulOperatorDescriptor['window']>): string {
  return `(${window.outputMode} ${window.lengthMs}/${window.slideMs} ms)`;
}

/** Reads and writes the metadata checkpoint and offset snapshots of one state namespace. */
export class CheckpointManager {
  public constructor(
    private readonly store: ObjectStore,
    private readonly namespace: string,
  ) {}

  /** The object key of the metadata checkpoint. */
  public get metadataKey(): string {
    return `checkpoints/${this.namespace}/metadata.json`;
  }

  /**
   * Spark's `getOrCreate`: loads the checkpoint, or creates it on first start. Refuses a
   * plan whose stateful fingerprint differs from the checkpoint's.
   */
  public async getOrCreate(
    plan: PipelinePlan,
    options: {
      codeVersion: string;
      config: Readonly<Record<string, string | number | boolean>>;
      now: number;
    },
  ): Promise<MetadataCheckpoint> {
    const stored = await getJson<MetadataCheckpoint>(this.store, this.metadataKey);
    const compatible =
      stored === undefined || stored.planFingerprint === plan.fingerprint || upgradesFormat1(stored, plan);
    if (stored !== undefined && !compatible)
      throw new IncompatibleStatePlanError(stored, plan, this.namespace);
    if (
      stored?.planFingerprint === plan.fingerprint &&
      stored.codeVersion === options.codeVersion &&
      stored.formatVersion === CHECKPOINT_FORMAT_VERSION
    )
      return stored;
    // A namespace that existed before format 3 (or whose checkpoint says so) may hold shard-id ledgers.
    const legacyIds =
      stored !== undefined &&
      (stored.formatVersion < CHECKPOINT_FORMAT_VERSION || stored.legacyPartitionIdFormat !== undefined);
    const checkpoint: MetadataCheckpoint = {
      formatVersion: CHECKPOINT_FORMAT_VERSION,
      partitionIdFormat: KinesisPartitionIdFormat.StreamShard,
      ...(legacyIds ? { legacyPartitionIdFormat: KinesisPartitionIdFormat.ShardId } : {}),
      pipeline: plan.name,
      namespace: this.namespace,
      planFingerprint: plan.fingerprint,
      statefulOperators: plan.statefulOperators,
      codeVersion: options.codeVersion,
      config: options.config,
      createdAt: stored?.createdAt ?? options.now,
      updatedAt: options.now,
    };
    await putJson(this.store, this.metadataKey, checkpoint);
    return checkpoint;
  }

  /** Records a partition's committed progress (the offsets part of the checkpoint). */
  public async saveOffsets(snapshot: OffsetsSnapshot): Promise<void> {
    await putJson(this.store, `checkpoints/${this.namespace}/offsets/${snapshot.partition}.json`, snapshot);
  }

  /** Every partition's last snapshotted progress. */
  public async loadOffsets(): Promise<OffsetsSnapshot[]> {
    const keys = await this.store.list(`checkpoints/${this.namespace}/offsets/`);
    const snapshots = await Promise.all(keys.map((key) => getJson<OffsetsSnapshot>(this.store, key)));
    return snapshots.filter((snapshot): snapshot is OffsetsSnapshot => snapshot !== undefined);
  }
}
