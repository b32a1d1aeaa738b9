import type { Clock } from '../clock';

interface Timer {
  readonly at: number;
  readonly resolve: () => void;
}

/**
 * A clock that only moves when told to (virtual time for deterministic tests). `sleep(ms)` resolves when
 * `advance()` reaches its deadline; `sleep(0)` resolves on the next macrotask, so polling loops still yield.
 *
 * @example
 * const clock = new ManualClock();
 * const slept = clock.sleep(1_000);
 * clock.advance(1_000); // slept resolves
 */
export class ManualClock implements Clock {
  #now: number;
  #timers: Timer[] = [];

  /** @param startMs the initial time, epoch milliseconds */
  constructor(startMs = Date.UTC(2026, 0, 1)) {
    this.#now = startMs;
  }

  now(): number {
    return this.#now;
  }

  sleep(ms: number, signal?: AbortSignal): Promise<void> {
    if (ms <= 0 || signal?.aborted) return new Promise((resolve) => setImmediate(resolve));
    return new Promise((resolve) => {
      const timer: Timer = { at: this.#now + ms, resolve };
      this.#timers.push(timer);
      signal?.addEventListener(
        'abort',
        () => {
          this.#timers = this.#timers.filter((pending) => pending !== timer);
          resolve();
        },
        { once: true },
      );
    });
  }

  /** Moves time forward and resolves every sleep that is due, earliest first. */
  advance(ms: number): void {
    this.#now += ms;
    const due = this.#timers.filter((timer) => timer.at <= this.#now).sort((a, b) => a.at - b.at);
    this.#timers = this.#timers.filter((timer) => timer.at > this.#now);
    for (const timer of due) timer.resolve();
  }

  /** When the earliest pending sleep is due, if any. */
  get nextTimerAt(): number | undefined {
    return this.#timers.reduce<number | undefined>(
      (earliest, timer) => (earliest === undefined || timer.at < earliest ? timer.at : earliest),
      undefined,
    );
  }

  /** Sleeps not yet due. */
  get pendingTimers(): number {
    return this.#timers.length;
  }
}
