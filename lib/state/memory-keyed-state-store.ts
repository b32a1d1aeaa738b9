import {
  type KeyedStateStore,
  type PutResult,
  refId,
  type StateKeyRef,
  type StoredState,
} from './keyed-state-store';

interface Row {
  readonly json: string | undefined;
  readonly version: number;
  readonly marks: Record<string, string>;
  readonly expiresAtSeconds: number | undefined;
}

/**
 * The in-memory twin of the DynamoDB state store: same conditional-write semantics, and
 * states round-trip through JSON so a non-serializable state fails in tests as it would in
 * DynamoDB.
 */
export class MemoryKeyedStateStore implements KeyedStateStore {
  private readonly rows = new Map<string, Row>();

  public async getMany(operatorId: string, refs: readonly StateKeyRef[]): Promise<Map<string, StoredState>> {
    const out = new Map<string, StoredState>();
    for (const ref of refs) {
      const row = this.rows.get(rowId(operatorId, ref));
      if (row !== undefined) out.set(refId(ref), toStored(row));
    }
    return out;
  }

  public async get(operatorId: string, ref: StateKeyRef): Promise<StoredState | undefined> {
    const row = this.rows.get(rowId(operatorId, ref));
    return row === undefined ? undefined : toStored(row);
  }

  public async put(
    operatorId: string,
    ref: StateKeyRef,
    next: StoredState,
    expectedVersion: number | undefined,
    expiresAtSeconds?: number,
  ): Promise<PutResult> {
    const id = rowId(operatorId, ref);
    const row = this.rows.get(id);
    if (row?.version !== expectedVersion) {
      return { written: false, current: row === undefined ? undefined : toStored(row) };
    }
    this.rows.set(id, {
      json: next.value === undefined ? undefined : JSON.stringify(next.value),
      version: next.version,
      marks: { ...next.marks },
      expiresAtSeconds,
    });
    return { written: true };
  }

  /** When an item expires (the DynamoDB TTL attribute), in epoch seconds; `undefined` when never or absent. */
  public expiryOf(operatorId: string, ref: StateKeyRef): number | undefined {
    return this.rows.get(rowId(operatorId, ref))?.expiresAtSeconds;
  }

  public async queryGroup(operatorId: string, group: string): Promise<Map<string, StoredState>> {
    const prefix = rowId(operatorId, { group, keyId: '' });
    const out = new Map<string, StoredState>();
    for (const [id, row] of this.rows)
      if (id.startsWith(prefix)) out.set(id.slice(prefix.length), toStored(row));
    return out;
  }

  public async scan(operatorId: string): Promise<Map<string, unknown>> {
    const prefix = rowId(operatorId, { keyId: '' });
    const out = new Map<string, unknown>();
    for (const [id, row] of this.rows) {
      if (id.startsWith(prefix) && row.json !== undefined)
        out.set(id.slice(prefix.length), JSON.parse(row.json));
    }
    return out;
  }
}

function rowId(operatorId: string, ref: StateKeyRef): string {
  return ref.group === undefined
    ? `${operatorId}\u0000${ref.keyId}`
    : `${operatorId}\u0001${ref.group}\u0000${ref.keyId}`;
}

function toStored(row: Row): StoredState {
  return {
    value: row.json === undefined ? undefined : JSON.parse(row.json),
    version: row.version,
    marks: { ...row.marks },
  };
}
