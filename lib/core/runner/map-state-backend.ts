import { decideFold } from '../evaluation/fold';
import type {
  KeyGroup,
  KeyOutcome,
  StateBackend,
  StatefulStep,
  StoredRevision,
} from '../evaluation/state-backend';

interface Entry {
  state: unknown;
  revision: number;
  readonly group: string | undefined;
  readonly marks: Map<string, string>;
}

/**
 * Keyed state in a plain map, with the same fencing rule as the durable backends (values
 * at or below a key's per-partition mark are skipped), for the in-memory runner.
 */
export class MapStateBackend implements StateBackend {
  private readonly entries = new Map<string, Entry>();

  public async apply(
    step: StatefulStep,
    groups: readonly KeyGroup[],
  ): Promise<ReadonlyMap<string, KeyOutcome>> {
    const outcomes = new Map<string, KeyOutcome>();
    for (const group of groups) {
      const id = `${step.operatorId}\u0000${group.storageGroup ?? ''}\u0000${group.keyId}`;
      const entry = this.entries.get(id) ?? {
        state: undefined,
        revision: 0,
        group: group.storageGroup,
        marks: new Map<string, string>(),
      };
      const decision = decideFold(step, group, entry.state, entry.marks.get(step.partition));
      if (decision.kind === 'failed') {
        outcomes.set(group.keyId, decision);
      } else if (decision.kind === 'skip') {
        outcomes.set(group.keyId, {
          kind: 'state',
          state: entry.state,
          changed: false,
          revision: entry.revision,
        });
      } else {
        entry.state = decision.next;
        entry.revision++;
        entry.marks.set(step.partition, decision.mark);
        this.entries.set(id, entry);
        outcomes.set(group.keyId, {
          kind: 'state',
          state: decision.next,
          changed: true,
          revision: entry.revision,
        });
      }
    }
    return outcomes;
  }

  public async readGroup(operatorId: string, group: string): Promise<ReadonlyMap<string, StoredRevision>> {
    const prefix = `${operatorId}\u0000${group}\u0000`;
    const out = new Map<string, StoredRevision>();
    for (const [id, entry] of this.entries) {
      if (id.startsWith(prefix) && entry.state !== undefined)
        out.set(id.slice(prefix.length), { state: entry.state, revision: entry.revision });
    }
    return out;
  }

  /** The live states of one operator, by key id (removed keys absent). */
  public snapshot(operatorId: string): Map<string, unknown> {
    const out = new Map<string, unknown>();
    for (const [id, entry] of this.entries) {
      const [operator, , keyId] = id.split('\u0000') as [string, string, string];
      if (operator === operatorId && entry.group === undefined && entry.state !== undefined)
        out.set(keyId, entry.state);
    }
    return out;
  }
}
