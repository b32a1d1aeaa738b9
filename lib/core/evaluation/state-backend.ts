import type { SparklessError } from '../errors';

/** One key's input to a stateful operator in one batch. */
export interface KeyGroup {
  /** The key as user code produced it. */
  readonly key: unknown;
  /** The key's canonical id (see `encodeKey`). */
  readonly keyId: string;
  /** The values, in offset order. */
  readonly values: readonly unknown[];
  /** For each value, the offset key of the record it came from (same index as `values`). */
  readonly offsetKeys: readonly string[];
  /**
   * Items of one storage group can be read together (a window's panes); absent for plain keyed state.
   *
   * @default none
   */
  readonly storageGroup?: string;
  /**
   * When the item may be deleted (DynamoDB TTL), in epoch seconds: window panes expire after their last window closes.
   *
   * @default never (removed keys keep a tombstone for the backend's tombstone TTL)
   */
  readonly expiresAtSeconds?: number;
}

/** What an update function knows about the fold besides its values and state. */
export interface FoldContext {
  /** The key as user code produced it. */
  readonly key: unknown;
  /** The key's canonical id. */
  readonly keyId: string;
  /** The offset key the partition's mark moves to if the fold is written (its last value's). */
  readonly mark: string;
}

/** A stateful operator applied to one batch of one partition. */
export interface StatefulStep {
  /** The operator id (state key prefix). */
  readonly operatorId: string;
  /** The partition the batch came from: the fencing marks are per partition. */
  readonly partition: string;
  /** Folds a key's new values into its state; a result that {@link isRemoved} removes the key. */
  readonly update: (values: unknown[], state: unknown, context: FoldContext) => unknown;
  /**
   * Whether a folded state means "no state": such items are kept as tombstones (with their fencing
   * marks) that expire after the backend's tombstone TTL.
   *
   * @default the state is `undefined`
   */
  readonly isRemoved?: (state: unknown) => boolean;
}

/** What a stateful step did to one key. */
export type KeyOutcome =
  | {
      readonly kind: 'state';
      /** The key's state after the batch; `undefined` when removed or never set. */
      readonly state: unknown;
      /** False when every value had been folded before (a replay). */
      readonly changed: boolean;
      /** How many times the key's item has been written (0 when never): the state's revision. */
      readonly revision: number;
    }
  | {
      readonly kind: 'failed';
      /**
       * The update function threw (`UserCodeError`) or the state would be too large
       * (`StateTooLargeError`); the key's values go to the dead-letter sink.
       */
      readonly error: SparklessError;
    };

/**
 * The port through which the evaluator reaches keyed state. The in-memory runner folds into
 * a map; the runtime implements it with fenced conditional writes so every record's value
 * is folded exactly once across retries and concurrent partitions.
 */
export interface StateBackend {
  /** Applies `step` to `groups` and reports each key's outcome by key id. */
  apply(step: StatefulStep, groups: readonly KeyGroup[]): Promise<ReadonlyMap<string, KeyOutcome>>;
  /** Every live item of one storage group of an operator, by key id, read after all writes before it. */
  readGroup(operatorId: string, group: string): Promise<ReadonlyMap<string, StoredRevision>>;
}

/** A stored state with its revision, as {@link StateBackend.readGroup} returns it. */
export interface StoredRevision {
  readonly state: unknown;
  /** How many times the item has been written. */
  readonly revision: number;
}
