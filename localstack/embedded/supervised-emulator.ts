import type { EmulatorProcess } from './emulator-process.js';

/** Waits between restart attempts of an emulator that keeps failing to start: 0.5 s doubling to 10 s. */
const RESTART_BACKOFF = { initialMs: 500, maxMs: 10_000 } as const;

/** An emulator process that is started again, with the same data, whenever it exits unexpectedly. */
export interface SupervisedEmulator {
  /** Name from the spec, e.g. `kinesis`. */
  readonly name: string;
  /** The ports of the current process (they may change on a restart). */
  ports(): Readonly<Record<string, number>>;
  /** The current process. */
  current(): EmulatorProcess;
  /** Unexpected exits so far (each followed by a restart). */
  restarts(): number;
  /** True while the current process runs. */
  isRunning(): boolean;
  /**
   * Holds restarts until the returned function is called: a process that exits meanwhile stays down (requests
   * fail with 502) and is restarted on release. Holds nest; restarts resume when every hold is released.
   * `stop()` releases every hold.
   */
  holdRestarts(): () => void;
  /** Stops supervising, then stops the current process (see {@link EmulatorProcess.stop}). */
  stop(): Promise<{ readonly killed: boolean }>;
}

/**
 * Starts an emulator with `start` and supervises it: when it exits without being asked to (killed, crashed), it
 * is started again by `start` (which reuses the data directory, so a persisted stream or table comes back),
 * retrying with backoff while it fails to start. Requests meanwhile fail with 502, which the SDK and the local
 * event source mapping retry.
 */
export async function superviseEmulator(
  start: (previous: EmulatorProcess | undefined) => Promise<EmulatorProcess>,
  log: (line: string) => void,
): Promise<SupervisedEmulator> {
  let current = await start(undefined);
  let stopping = false;
  let restarts = 0;
  let restarting: Promise<void> | undefined;
  const holds = new Set<symbol>();
  let released: (() => void) | undefined;
  let whenReleased: Promise<void> = Promise.resolve();

  const restart = async (crashed: EmulatorProcess, how: string): Promise<void> => {
    restarts += 1;
    if (holds.size > 0) {
      log(`${crashed.name} emulator ${how} unexpectedly; restarts are held: it stays down until released`);
      await whenReleased;
      if (stopping) return;
    }
    log(`${crashed.name} emulator ${how} unexpectedly; restarting it with its data directory`);
    for (let attempt = 1; !stopping; attempt++) {
      try {
        const next = await start(crashed);
        if (stopping) {
          await next.stop();
          return;
        }
        current = next;
        watch(next);
        log(`${crashed.name} emulator restarted (pid ${next.pid})`);
        return;
      } catch (error) {
        const waitMs = Math.min(RESTART_BACKOFF.initialMs * 2 ** (attempt - 1), RESTART_BACKOFF.maxMs);
        log(
          `${crashed.name} emulator failed to restart: ${error instanceof Error ? error.message.split('\n')[0] : String(error)}; ` +
            `retrying in ${waitMs} ms`,
        );
        await new Promise((resolve) => setTimeout(resolve, waitMs));
      }
    }
  };

  const watch = (process: EmulatorProcess): void => {
    void process.exited.then((how) => {
      if (stopping || process !== current) return;
      restarting = restart(process, how).finally(() => {
        restarting = undefined;
      });
    });
  };
  watch(current);

  return {
    name: current.name,
    ports: () => current.ports,
    current: () => current,
    restarts: () => restarts,
    isRunning: () => current.isRunning(),
    holdRestarts: () => {
      const hold = Symbol('hold');
      if (holds.size === 0) whenReleased = new Promise((resolve) => (released = resolve));
      holds.add(hold);
      return () => {
        if (!holds.delete(hold) || holds.size > 0) return;
        released?.();
      };
    },
    stop: async () => {
      stopping = true;
      holds.clear();
      released?.();
      await restarting;
      return current.stop();
    },
  };
}
