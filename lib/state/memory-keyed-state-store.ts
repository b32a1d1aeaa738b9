import type { KeyedStateStore, PutResult, StoredState } from './keyed-state-store';

interface Row {
  readonly json: string | undefined;
  readonly version: number;
  readonly marks: Record<string, string>;
}

/**
 * The in-memory twin of the DynamoDB state store: same conditional-write semantics, and
 * states round-trip through JSON so a non-serializable state fails in tests as it would in
 * DynamoDB.
 */
export class MemoryKeyedStateStore implements KeyedStateStore {
  private readonly rows = new Map<string, Row>();

  public async getMany(operatorId: string, keyIds: readonly string[]): Promise<Map<string, StoredState>> {
    const out = new Map<string, StoredState>();
    for (const keyId of keyIds) {
      const row = this.rows.get(rowId(operatorId, keyId));
      if (row !== undefined) out.set(keyId, toStored(row));
    }
    return out;
  }

  public async get(operatorId: string, keyId: string): Promise<StoredState | undefined> {
    const row = this.rows.get(rowId(operatorId, keyId));
    return row === undefined ? undefined : toStored(row);
  }

  public async put(
    operatorId: string,
    keyId: string,
    next: StoredState,
    expectedVersion: number | undefined,
  ): Promise<PutResult> {
    const id = rowId(operatorId, keyId);
    const row = this.rows.get(id);
    if (row?.version !== expectedVersion) {
      return { written: false, current: row === undefined ? undefined : toStored(row) };
    }
    this.rows.set(id, {
      json: next.value === undefined ? undefined : JSON.stringify(next.value),
      version: next.version,
      marks: { ...next.marks },
    });
    return { written: true };
  }

  public async scan(operatorId: string): Promise<Map<string, unknown>> {
    const prefix = rowId(operatorId, '');
    const out = new Map<string, unknown>();
    for (const [id, row] of this.rows) {
      if (id.startsWith(prefix) && row.json !== undefined)
        out.set(id.slice(prefix.length), JSON.parse(row.json));
    }
    return out;
  }
}

function rowId(operatorId: string, keyId: string): string {
  return `${operatorId}\u0000${keyId}`;
}

function toStored(row: Row): StoredState {
  return {
    value: row.json === undefined ? undefined : JSON.parse(row.json),
    version: row.version,
    marks: { ...row.marks },
  };
}
