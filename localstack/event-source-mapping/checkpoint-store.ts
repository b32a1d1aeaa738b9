import { compareSequenceNumbers } from './sequence-number';

/** The position of one shard of one mapping. */
export interface ShardCheckpoint {
  /** The last sequence number processed or discarded; the mapping resumes AFTER it. */
  readonly sequenceNumber: string | undefined;
  /** True once a closed shard was read to its end (its child shards may start). */
  readonly shardEnd: boolean;
}

/**
 * Keeps the checkpoint of every shard of every mapping. Implementations must never move a checkpoint
 * backwards: a save with a lower sequence number, or any save after `shardEnd`, is ignored.
 */
export interface CheckpointStore {
  load(mappingId: string, shardId: string): Promise<ShardCheckpoint | undefined>;
  save(mappingId: string, shardId: string, checkpoint: ShardCheckpoint): Promise<void>;
}

/** True when `next` may replace `current` (the never-backwards rule every store applies). */
export function isCheckpointAdvance(current: ShardCheckpoint | undefined, next: ShardCheckpoint): boolean {
  if (current === undefined) return true;
  if (current.shardEnd) return false;
  if (current.sequenceNumber === undefined) return true;
  if (next.sequenceNumber === undefined) return next.shardEnd;
  const order = compareSequenceNumbers(next.sequenceNumber, current.sequenceNumber);
  return order > 0 || (order === 0 && next.shardEnd);
}

/**
 * Checkpoints in a `Map`: the default, for tests and one-shot runs.
 *
 * @example
 * const store = new InMemoryCheckpointStore();
 * await store.save('m', 'shardId-000000000000', { sequenceNumber: '4959…', shardEnd: false });
 */
export class InMemoryCheckpointStore implements CheckpointStore {
  readonly #checkpoints = new Map<string, ShardCheckpoint>();

  async load(mappingId: string, shardId: string): Promise<ShardCheckpoint | undefined> {
    return this.#checkpoints.get(keyOf(mappingId, shardId));
  }

  async save(mappingId: string, shardId: string, checkpoint: ShardCheckpoint): Promise<void> {
    const key = keyOf(mappingId, shardId);
    if (isCheckpointAdvance(this.#checkpoints.get(key), checkpoint)) {
      this.#checkpoints.set(key, {
        sequenceNumber: checkpoint.sequenceNumber,
        shardEnd: checkpoint.shardEnd,
      });
    }
  }
}

function keyOf(mappingId: string, shardId: string): string {
  return JSON.stringify([mappingId, shardId]);
}
