import type { BatchFailureEvent, BatchProgress } from './types';

/**
 * Where the executor sends progress: one record per batch attempt, written before the batch commits
 * (keyed by partition and batch id, so a replay of the batch overwrites it), and one failure event
 * per failed attempt (the partition's latest is kept).
 */
export interface ProgressSink {
  write(progress: BatchProgress): Promise<void>;
  writeFailure(event: BatchFailureEvent): Promise<void>;
}

/** Reads what a {@link ProgressSink} kept. */
export interface ProgressReader {
  /** Up to `n` of the partition's most recent records, newest (highest batch id) first. */
  recent(partition: string, n: number): Promise<BatchProgress[]>;
  /** Each partition's latest failure event still kept. */
  failures(): Promise<BatchFailureEvent[]>;
}

/** Both sides: what a store of progress offers. */
export type ProgressStore = ProgressSink & ProgressReader;

/** Keeps progress in memory (tests, and the in-memory runtime). */
export class MemoryProgressStore implements ProgressStore {
  private readonly records = new Map<string, Map<number, BatchProgress>>();
  private readonly latestFailures = new Map<string, BatchFailureEvent>();

  public async write(progress: BatchProgress): Promise<void> {
    const partition = this.records.get(progress.partition) ?? new Map<number, BatchProgress>();
    partition.set(progress.batchId, progress);
    this.records.set(progress.partition, partition);
  }

  public async writeFailure(event: BatchFailureEvent): Promise<void> {
    this.latestFailures.set(event.partition, event);
  }

  public async recent(partition: string, n: number): Promise<BatchProgress[]> {
    return [...(this.records.get(partition)?.values() ?? [])]
      .sort((a, b) => b.batchId - a.batchId)
      .slice(0, n);
  }

  public async failures(): Promise<BatchFailureEvent[]> {
    return [...this.latestFailures.values()];
  }
}
