import type { WindowedRow } from '../../lib/core';

/**
 * An order-safe sink of windowed rows, as a user would build one over a table: per (window, key) it
 * keeps the row with the highest revision. It also checks that a revision never carries two values.
 */
export class RevisionedTable {
  /** `(window end, key, revision)` seen with two different values (must stay empty). */
  public readonly revisionConflicts: string[] = [];
  private readonly latest = new Map<string, WindowedRow<string, number>>();
  private readonly seen = new Map<string, number>();

  public add(rows: readonly WindowedRow<string, number>[]): void {
    for (const row of rows) {
      const item = `${row.window.end}|${row.key}`;
      const revision = `${item}#${row.revision}`;
      const known = this.seen.get(revision);
      if (known !== undefined && known !== row.value) this.revisionConflicts.push(revision);
      this.seen.set(revision, row.value);
      if (row.revision > (this.latest.get(item)?.revision ?? 0)) this.latest.set(item, row);
    }
  }

  /** Per window end, each key's value at its highest revision. */
  public windows(): Record<string, Record<string, number>> {
    const out: Record<string, Record<string, number>> = {};
    for (const row of this.latest.values()) {
      const end = String(row.window.end);
      out[end] = { ...out[end], [row.key]: row.value };
    }
    return out;
  }
}
