/**
 * One key's stored state with its fencing data.
 */
export interface StoredState {
  /** The state (any JSON value); `undefined` for a removed key kept as a tombstone. */
  readonly value: unknown;
  /** Incremented by every write; writes are conditional on the version read. */
  readonly version: number;
  /** Per partition, the highest offset key already folded into `value`. */
  readonly marks: Readonly<Record<string, string>>;
}

/** Where a key lives: plain keyed state has no group; grouped items can be read together. */
export interface StateKeyRef {
  readonly keyId: string;
  /** @default none */
  readonly group?: string;
}

/** A map key for a {@link StateKeyRef} (group and key id). */
export function refId(ref: StateKeyRef): string {
  return ref.group === undefined ? ref.keyId : `${ref.group}\u0000${ref.keyId}`;
}

/** The result of a conditional write. */
export type PutResult =
  | { readonly written: true }
  /** Someone else wrote first; `current` is their item when the store returned it. */
  | { readonly written: false; readonly current: StoredState | undefined };

/**
 * The port for keyed operator state (Kafka Streams' `KeyValueStore`, with versions). One
 * store instance serves one state namespace; keys are `(operatorId, keyId)`.
 */
export interface KeyedStateStore {
  /** Strongly consistent read of many keys; absent keys are missing from the map (keyed by `refId`). */
  getMany(operatorId: string, refs: readonly StateKeyRef[]): Promise<Map<string, StoredState>>;
  /** Strongly consistent read of one key. */
  get(operatorId: string, ref: StateKeyRef): Promise<StoredState | undefined>;
  /**
   * Writes `next` only if the stored version still equals `expectedVersion` (`undefined`:
   * only if the key does not exist). The item expires at `expiresAtSeconds` when given.
   */
  put(
    operatorId: string,
    ref: StateKeyRef,
    next: StoredState,
    expectedVersion: number | undefined,
    expiresAtSeconds?: number,
  ): Promise<PutResult>;
  /** Every item of one group, by key id (strongly consistent). */
  queryGroup(operatorId: string, group: string): Promise<Map<string, StoredState>>;
  /** Every live (non-tombstone, ungrouped) state of an operator, for savepoints and tests. */
  scan(operatorId: string): Promise<Map<string, unknown>>;
}
