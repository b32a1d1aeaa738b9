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
 * seen for the first time start from (so they treat fired windows as closed).
 * Every update is idempotent or only moves forward.
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
}

/** The in-memory twin of {@link DynamoDbWindowProgressStore}. */
export class MemoryWindowProgressStore implements WindowProgressStore {
  private readonly operators = new Map<string, { frontier: number | undefined; panes: Set<number> }>();
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

  private entry(operatorId: string) {
    let entry = this.operators.get(operatorId);
    if (entry === undefined) {
      entry = { frontier: undefined, panes: new Set() };
      this.operators.set(operatorId, entry);
    }
    return entry;
  }
}
