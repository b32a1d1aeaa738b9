import { ErrorCode, SparklessError } from '../core';
import type { KeyedStateStore, StateKeyRef, StoredState } from '../state';

/** What to do with one stored item: keep it (and answer `result`), or write `next` in its place. */
export type ConditionalDecision<R> =
  | { readonly write: false; readonly result: R }
  | {
      readonly write: true;
      readonly next: StoredState;
      /** @default never expires */
      readonly expiresAtSeconds?: number;
      readonly result: R;
    };

/** One read-decide-write of a state item, retried on lost races (see {@link updateConditionally}). */
export interface ConditionalUpdate<R> {
  readonly store: KeyedStateStore;
  readonly operatorId: string;
  readonly ref: StateKeyRef;
  /** The item as read before (by a batched read), or `undefined` when absent. */
  readonly initial: StoredState | undefined;
  /** Decides from the current item; called again with the winner's item after a lost race. */
  readonly decide: (current: StoredState | undefined) => ConditionalDecision<R>;
  /** How many lost races in a row fail the update. */
  readonly maxConflictRetries: number;
  /** Names the update in the error thrown when the retries are exhausted, e.g. `key "a" of counts`. */
  readonly describe: () => string;
  /** What retries the whole operation after that error, e.g. `the batch will be retried`. */
  readonly retriedBy: string;
  /**
   * Runs before every write.
   *
   * @default nothing
   */
  readonly beforeWrite?: () => Promise<void>;
  /**
   * Told of every lost race.
   *
   * @default nothing
   */
  readonly onConflict?: () => void;
}

/**
 * The fencing loop every state write goes through: decide from the item read, write conditionally on
 * its version, and on a lost race re-read the item (from the failed write, or a consistent get) and
 * decide again; returns the decision's result once it keeps the item or its write wins.
 *
 * @throws SparklessError `STATE_CONFLICT_RETRIES_EXHAUSTED` after `maxConflictRetries + 1` lost races
 */
export async function updateConditionally<R>(update: ConditionalUpdate<R>): Promise<R> {
  const { store, operatorId, ref } = update;
  let current = update.initial;
  for (let attempt = 0; attempt <= update.maxConflictRetries; attempt++) {
    const decision = update.decide(current);
    if (!decision.write) return decision.result;
    await update.beforeWrite?.();
    const written = await store.put(
      operatorId,
      ref,
      decision.next,
      current?.version,
      decision.expiresAtSeconds,
    );
    if (written.written) return decision.result;
    update.onConflict?.();
    current = written.current ?? (await store.get(operatorId, ref));
  }
  throw new SparklessError(
    ErrorCode.StateConflictRetriesExhausted,
    `${update.describe()} lost ${update.maxConflictRetries + 1} conditional writes in a row; ${update.retriedBy}`,
  );
}
