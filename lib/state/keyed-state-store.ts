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
  /** Strongly consistent read of many keys; absent keys are missing from the map. */
  getMany(operatorId: string, keyIds: readonly string[]): Promise<Map<string, StoredState>>;
  /** Strongly consistent read of one key. */
  get(operatorId: string, keyId: string): Promise<StoredState | undefined>;
  /**
   * Writes `next` only if the stored version still equals `expectedVersion` (`undefined`:
   * only if the key does not exist). A tombstone (`next.value === undefined`) expires at
   * `expiresAtSeconds`.
   */
  put(
    operatorId: string,
    keyId: string,
    next: StoredState,
    expectedVersion: number | undefined,
    expiresAtSeconds?: number,
  ): Promise<PutResult>;
  /** Every live (non-tombstone) state of an operator, for savepoints and tests. */
  scan(operatorId: string): Promise<Map<string, unknown>>;
}
