/** What a windowed operator has done so far. */
export interface WindowProgress {
  /** The end of the last window fired (all earlier windows are fired too). */
  readonly frontier: number | undefined;
  /** Starts of the panes that hold data and still belong to an unfired window. */
  readonly panes: readonly number[];
}

/**
 * The port for window bookkeeping of one state namespace: per windowed operator the pane
 * index and the fired frontier, and one namespace-wide event-time floor that partitions
 * seen for the first time start from (so they treat fired windows as closed); and the
 * versioned timer bucket index of `mapWithState` timeouts.
 * Every update is idempotent, only moves forward, or is conditional.
 */
export interface WindowProgressStore {
  read(operatorId: string): Promise<WindowProgress>;
  /** Adds pane starts to the index (a set: adding twice is harmless). */
  addPanes(operatorId: string, panes: readonly number[]): Promise<void>;
  /** Removes pane starts whose windows have all fired. */
  removePanes(operatorId: string, panes: readonly number[]): Promise<void>;
  /** Moves the frontier to `end` if it is below; false when it already was at or above. */
  advanceFrontier(operatorId: string, end: number): Promise<boolean>;
  /** The event-time floor for partitions seen for the first time. */
  readClockFloor(): Promise<number | undefined>;
  /** Raises the floor to `to` if it is below. */
  raiseClockFloor(to: number): Promise<void>;
  /**
   * The timer buckets indexed under `indexId` in bucket order, each with its version. A sweep reads
   * them before it reads a bucket's timers.
   */
  readBuckets(indexId: string): Promise<ReadonlyMap<number, number>>;
  /**
   * Adds buckets to the index (again, for buckets already there) with a new version: a number the
   * index never gave before, so a removal conditional on an older version fails even after the
   * bucket was removed and added back. Returns the new versions. Whoever creates work in a bucket
   * (a timer, a timeout still to emit) adds it.
   */
  addBuckets(indexId: string, buckets: readonly number[]): Promise<ReadonlyMap<number, number>>;
  /**
   * Removes a bucket if its version still is `version`, i.e. nobody added it since the remover read
   * it (or last added it itself); false when it changed (the bucket stays for the next sweep).
   */
  removeBucket(indexId: string, bucket: number, version: number): Promise<boolean>;
}

/** The in-memory twin of {@link DynamoDbWindowProgressStore}. */
export class MemoryWindowProgressStore implements WindowProgressStore {
  private readonly operators = new Map<string, { frontier: number | undefined; panes: Set<number> }>();
  private readonly bucketIndexes = new Map<string, { sequence: number; versions: Map<number, number> }>();
  private clockFloor: number | undefined;

  public async read(operatorId: string): Promise<WindowProgress> {
    const entry = this.operators.get(operatorId);
    return { frontier: entry?.frontier, panes: [...(entry?.panes ?? [])].sort((a, b) => a - b) };
  }

  public async addPanes(operatorId: string, panes: readonly number[]): Promise<void> {
    const entry = this.entry(operatorId);
    for (const pane of panes) entry.panes.add(pane);
  }

  public async removePanes(operatorId: string, panes: readonly number[]): Promise<void> {
    const entry = this.entry(operatorId);
    for (const pane of panes) entry.panes.delete(pane);
  }

  public async advanceFrontier(operatorId: string, end: number): Promise<boolean> {
    const entry = this.entry(operatorId);
    if (entry.frontier !== undefined && entry.frontier >= end) return false;
    entry.frontier = end;
    return true;
  }

  public async readClockFloor(): Promise<number | undefined> {
    return this.clockFloor;
  }

  public async raiseClockFloor(to: number): Promise<void> {
    if (this.clockFloor === undefined || this.clockFloor < to) this.clockFloor = to;
  }

  public async readBuckets(indexId: string): Promise<ReadonlyMap<number, number>> {
    return new Map([...(this.bucketIndexes.get(indexId)?.versions ?? [])].sort(([a], [b]) => a - b));
  }

  public async addBuckets(indexId: string, buckets: readonly number[]): Promise<ReadonlyMap<number, number>> {
    const index = this.bucketIndexes.get(indexId) ?? { sequence: 0, versions: new Map<number, number>() };
    this.bucketIndexes.set(indexId, index);
    if (buckets.length === 0) return new Map();
    index.sequence++;
    const added = new Map<number, number>();
    for (const bucket of buckets) {
      index.versions.set(bucket, index.sequence);
      added.set(bucket, index.sequence);
    }
    return added;
  }

  public async removeBucket(indexId: string, bucket: number, version: number): Promise<boolean> {
    const index = this.bucketIndexes.get(indexId);
    if (index?.versions.get(bucket) !== version) return false;
    index.versions.delete(bucket);
    return true;
  }

  private entry(operatorId: string) {
    let entry = this.operators.get(operatorId);
    if (entry === undefined) {
      entry = { frontier: undefined, panes: new Set() };
      this.operators.set(operatorId, entry);
    }
    return entry;
  }
}
