import {
  decideFold,
  type KeyGroup,
  type KeyOutcome,
  type StateBackend,
  type StatefulStep,
  type StoredRevision,
} from '../core';
import { type KeyedStateStore, refId, type StateKeyRef, type StoredState } from '../state';
import { forEachWithConcurrency } from './concurrency';
import { updateConditionally } from './conditional-update';

/**
 * Default lifetime, in seconds, of what must outlive any redelivery of a record: a removed key's
 * tombstone (with its fencing marks) and a timer item past its bucket. 7 days.
 */
export const DEFAULT_TOMBSTONE_TTL_SECONDS = 7 * 24 * 3600;

/** Options of {@link FencedStateBackend}. */
export interface FencedStateBackendOptions {
  /** The durable state store. */
  readonly store: KeyedStateStore;
  /**
   * Conditional writes in flight at once per batch.
   *
   * @default 16
   */
  readonly writeConcurrency?: number;
  /**
   * How often one key's write may lose to a concurrent writer before the batch fails (and is retried by Lambda).
   *
   * @default 50
   */
  readonly maxConflictRetries?: number;
  /**
   * How long a removed key's tombstone (which keeps its fencing marks) lives, in seconds. Keep it above
   * the longest time a record can be redelivered (the event source's max record age).
   *
   * @default 604800 (7 days)
   */
  readonly tombstoneTtlSeconds?: number;
  /** Current time in epoch milliseconds (for tombstone expiry). */
  readonly now: () => number;
  /**
   * Per partition, the id it had in an older partition-id format: a key's fencing mark for the
   * partition is the higher of its own and the old id's, so records the old id already folded are
   * never folded again.
   *
   * @default none
   */
  readonly markAliases?: ReadonlyMap<string, string>;
}

/** Counters of a {@link FencedStateBackend} over its lifetime. */
export interface StateWriteStats {
  writes: number;
  conflicts: number;
}

/** One operator's state writes in a batch. */
export interface OperatorWriteStats {
  /** Keys written (set, changed or removed). */
  updated: number;
  /** Keys removed (a tombstone written). */
  removed: number;
  /** Conditional writes that lost to another writer and were decided again. */
  conflicts: number;
}

/**
 * The exactly-once {@link StateBackend}: for each key, read the item, fold only values
 * above the item's mark for this partition (`decideFold`), and write conditionally on the
 * version read. A lost race re-reads that key and decides again, so a concurrent writer
 * from another partition never causes a lost update, and a retry never folds twice.
 */
export class FencedStateBackend implements StateBackend {
  /** Running counters (read them per batch as deltas). */
  public readonly stats: StateWriteStats = { writes: 0, conflicts: 0 };
  /** Per operator id, its writes (operators the batch wrote no key of are absent). */
  public readonly operatorStats = new Map<string, OperatorWriteStats>();
  /** Milliseconds spent in {@link apply} (reading and writing state). */
  public busyMs = 0;
  private readonly store: KeyedStateStore;
  private readonly writeConcurrency: number;
  private readonly maxConflictRetries: number;
  private readonly tombstoneTtlSeconds: number;
  private readonly now: () => number;
  private readonly markAliases: ReadonlyMap<string, string>;

  public constructor(options: FencedStateBackendOptions) {
    this.store = options.store;
    this.writeConcurrency = options.writeConcurrency ?? 16;
    this.maxConflictRetries = options.maxConflictRetries ?? 50;
    this.tombstoneTtlSeconds = options.tombstoneTtlSeconds ?? DEFAULT_TOMBSTONE_TTL_SECONDS;
    this.now = options.now;
    this.markAliases = options.markAliases ?? new Map();
  }

  public async apply(
    step: StatefulStep,
    groups: readonly KeyGroup[],
  ): Promise<ReadonlyMap<string, KeyOutcome>> {
    const started = this.now();
    try {
      return await this.applyGroups(step, groups);
    } finally {
      this.busyMs += this.now() - started;
    }
  }

  private async applyGroups(
    step: StatefulStep,
    groups: readonly KeyGroup[],
  ): Promise<ReadonlyMap<string, KeyOutcome>> {
    const keyed = groups.map((group) => ({ group, ref: refOf(group) }));
    const stored = await this.store.getMany(
      step.operatorId,
      keyed.map(({ ref }) => ref),
    );
    const outcomes = new Map<string, KeyOutcome>();
    await forEachWithConcurrency(keyed, this.writeConcurrency, async ({ group, ref }) => {
      outcomes.set(group.keyId, await this.applyKey(step, group, ref, stored.get(refId(ref))));
    });
    return outcomes;
  }

  public async readGroup(operatorId: string, group: string): Promise<ReadonlyMap<string, StoredRevision>> {
    const out = new Map<string, StoredRevision>();
    for (const [keyId, stored] of await this.store.queryGroup(operatorId, group)) {
      if (stored.value !== undefined) out.set(keyId, { state: stored.value, revision: stored.version });
    }
    return out;
  }

  /** The partition's fencing mark on `stored`, honouring the mark of its older id, if any. */
  private markOf(stored: StoredState | undefined, partition: string): string | undefined {
    const own = stored?.marks[partition];
    const alias = this.markAliases.get(partition);
    return alias === undefined ? own : laterMark(own, stored?.marks[alias]);
  }

  private async applyKey(
    step: StatefulStep,
    group: KeyGroup,
    ref: StateKeyRef,
    initial: StoredState | undefined,
  ): Promise<KeyOutcome> {
    // Whether the last decided write removes the key (a conflict decides again).
    let removedKey = false;
    const outcome = await updateConditionally<KeyOutcome>({
      store: this.store,
      operatorId: step.operatorId,
      ref,
      initial,
      maxConflictRetries: this.maxConflictRetries,
      describe: () => `${step.operatorId}: key ${group.keyId}`,
      retriedBy: 'the batch will be retried',
      onConflict: () => {
        this.stats.conflicts++;
        this.statsOf(step.operatorId).conflicts++;
      },
      decide: (current) => {
        const decision = decideFold(step, group, current?.value, this.markOf(current, step.partition));
        if (decision.kind === 'failed') return { write: false, result: decision };
        if (decision.kind === 'skip') {
          const revision = current?.version ?? 0;
          return { write: false, result: { kind: 'state', state: current?.value, changed: false, revision } };
        }
        const next: StoredState = {
          value: decision.next,
          version: (current?.version ?? 0) + 1,
          marks: { ...current?.marks, [step.partition]: decision.mark },
        };
        const removed =
          step.isRemoved === undefined ? decision.next === undefined : step.isRemoved(decision.next);
        removedKey = removed;
        const expiresAtSeconds =
          group.expiresAtSeconds ??
          (removed ? Math.floor(this.now() / 1000) + this.tombstoneTtlSeconds : undefined);
        return {
          write: true,
          next,
          expiresAtSeconds,
          result: { kind: 'state', state: decision.next, changed: true, revision: next.version },
        };
      },
    });
    if (outcome.kind === 'state' && outcome.changed) {
      this.stats.writes++;
      const operator = this.statsOf(step.operatorId);
      operator.updated++;
      if (removedKey) operator.removed++;
    }
    return outcome;
  }

  private statsOf(operatorId: string): OperatorWriteStats {
    let stats = this.operatorStats.get(operatorId);
    if (stats === undefined) {
      stats = { updated: 0, removed: 0, conflicts: 0 };
      this.operatorStats.set(operatorId, stats);
    }
    return stats;
  }
}

/** The later of two offset keys (an absent one is below everything). */
function laterMark(a: string | undefined, b: string | undefined): string | undefined {
  if (a === undefined) return b;
  if (b === undefined) return a;
  return a >= b ? a : b;
}

function refOf(group: KeyGroup): StateKeyRef {
  return group.storageGroup === undefined
    ? { keyId: group.keyId }
    : { keyId: group.keyId, group: group.storageGroup };
}
