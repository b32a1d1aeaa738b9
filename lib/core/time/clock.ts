/** The injected source of processing time, so tests run on virtual time. */
export interface Clock {
  /** Current time in epoch milliseconds. */
  now(): number;
}

/** The wall clock. */
export const systemClock: Clock = { now: () => Date.now() };

/**
 * A clock that moves only when told to: for deterministic tests and simulations.
 *
 * @example
 * const clock = new ManualClock(0);
 * clock.advance(1_000);
 * clock.now(); // 1000
 */
export class ManualClock implements Clock {
  private current: number;

  /** @param start the initial time in epoch milliseconds. @default 0 */
  public constructor(start = 0) {
    this.current = start;
  }

  public now(): number {
    return this.current;
  }

  /** Moves time forward by `ms` milliseconds. */
  public advance(ms: number): void {
    this.current += ms;
  }
}
