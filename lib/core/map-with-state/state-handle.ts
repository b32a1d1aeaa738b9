import { ErrorCode, SparklessError } from '../errors';

/**
 * The state of one key as a `mapWithState` function sees it (Spark's `State<S>`). The function
 * reads and changes it; the key's state after the last value of a batch is what is stored.
 *
 * @example
 * .mapWithState<number, readonly [string, number]>((word, one, state) => {
 *   if (state.isTimingOut()) return [word, state.get()]; // the key was idle too long
 *   const count = (state.getOption() ?? 0) + (one ?? 0);
 *   state.update(count);
 *   return undefined; // emit nothing for this value
 * }, { timeoutMs: 30 * 60_000 })
 */
export interface StateHandle<S> {
  /** Whether the key has a state. */
  exists(): boolean;
  /**
   * The key's state.
   *
   * @throws {@link SparklessError} `INVALID_STATE_ACCESS` when the key has no state (check {@link exists} first)
   */
  get(): S;
  /** The key's state, or `undefined` when it has none. */
  getOption(): S | undefined;
  /**
   * Sets the key's state (a JSON value: it is stored as JSON).
   *
   * @throws {@link SparklessError} `INVALID_STATE_ACCESS` while the key is timing out (its state is being
   * removed), or when given `undefined` (use {@link remove})
   */
  update(state: S): void;
  /** Removes the key's state (the stored item becomes a tombstone). */
  remove(): void;
  /**
   * True when the function is called because the key timed out: `value` is `undefined`, the state
   * is removed after the call whatever the function does, and {@link update} throws.
   */
  isTimingOut(): boolean;
}

/** The {@link StateHandle} the evaluator gives user functions; tracks the key's state across calls. */
export class MutableStateHandle implements StateHandle<unknown> {
  private present: boolean;
  private value: unknown;
  private timingOut = false;

  /** @param initial the stored state, if the key has one */
  public constructor(initial: { readonly exists: boolean; readonly state?: unknown }) {
    this.present = initial.exists;
    this.value = initial.exists ? initial.state : undefined;
  }

  public exists(): boolean {
    return this.present;
  }

  public get(): unknown {
    if (!this.present) {
      throw new SparklessError(
        ErrorCode.InvalidStateAccess,
        'state.get() called for a key without state: check state.exists() or use state.getOption()',
      );
    }
    return this.value;
  }

  public getOption(): unknown {
    return this.present ? this.value : undefined;
  }

  public update(state: unknown): void {
    if (this.timingOut) {
      throw new SparklessError(
        ErrorCode.InvalidStateAccess,
        'state.update() called while the key is timing out: its state is removed after this call',
      );
    }
    if (state === undefined) {
      throw new SparklessError(
        ErrorCode.InvalidStateAccess,
        'state.update(undefined) is not a state: call state.remove() to remove the key',
      );
    }
    this.present = true;
    this.value = state;
  }

  public remove(): void {
    if (this.timingOut) return;
    this.present = false;
    this.value = undefined;
  }

  public isTimingOut(): boolean {
    return this.timingOut;
  }

  /** @internal Starts the timing-out call (the state stays readable), see {@link StateHandle.isTimingOut}. */
  public beginTimeout(): void {
    this.timingOut = true;
  }

  /** @internal Ends the timing-out call: the key has no state any more. */
  public endTimeout(): void {
    this.timingOut = false;
    this.present = false;
    this.value = undefined;
  }
}
