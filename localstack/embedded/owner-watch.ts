/**
 * Ties a process's life to the processes it was started through, so nothing outlives its owner:
 * emulator children watch the stack's owner, and the command-line entry points (`npm start`,
 * `npm run localstack`) watch the `npm` process that launched them (npm does not pass SIGTERM on).
 */
import { commandLineOf, identify, isRunning, parentOf, type ProcessIdentity } from './process-liveness.js';

/** How often the watched processes are checked. */
export const OWNER_POLL_INTERVAL_MS = 500;

/** How long a process whose owner died may take to shut down gracefully before it exits hard. */
export const ORPHAN_GRACE_MS = 5_000;

const NPM_COMMAND = /(^|\/)npm(-cli\.js)?( |$)/;
const MAX_ANCESTORS = 8;

/**
 * The processes this one depends on: its parent and, when it was started by an npm script (`npm_lifecycle_event`
 * is set), every ancestor up to the `npm` process itself (`npm` → `sh` → `tsx` → this process).
 */
export function launcherChain(): ProcessIdentity[] {
  const chain = [identify(process.ppid)];
  if (process.env.npm_lifecycle_event === undefined) return chain;
  let pid: number | undefined = process.ppid;
  for (let depth = 0; pid !== undefined && pid > 1 && depth < MAX_ANCESTORS; depth++) {
    if (NPM_COMMAND.test(commandLineOf(pid))) return chain;
    pid = parentOf(pid);
    if (pid !== undefined && pid > 1) chain.push(identify(pid));
  }
  return chain.slice(0, 1);
}

/** Options of {@link watchOwner}. */
export interface WatchOwnerOptions {
  /** The processes whose end ends this one. @default {@link launcherChain}() */
  readonly owners?: readonly ProcessIdentity[];
  /** @default {@link OWNER_POLL_INTERVAL_MS} */
  readonly pollIntervalMs?: number;
  /**
   * After `onOwnerGone`, kill this process (SIGKILL) if it is still running this much later (a shutdown that
   * hangs must not leave an orphan holding ports and the data directory). `undefined`: never.
   *
   * @default undefined
   */
  readonly graceMs?: number;
  /** Also treat the closing of the IPC channel to the parent as the owner's end. @default false */
  readonly ipc?: boolean;
}

/**
 * Calls `onOwnerGone` once, when an owner process ends (or, with `ipc`, the IPC channel closes, or the parent
 * changes: this process was orphaned). Returns a function that stops watching. The poll timer does not keep
 * the process alive.
 */
export function watchOwner(onOwnerGone: () => void, options: WatchOwnerOptions = {}): () => void {
  const owners = options.owners ?? launcherChain();
  const initialParent = process.ppid;
  let fired = false;
  const timer = setInterval(() => {
    if (process.ppid !== initialParent || owners.some((owner) => !isRunning(owner))) fire();
  }, options.pollIntervalMs ?? OWNER_POLL_INTERVAL_MS);
  timer.unref();
  const stop = (): void => {
    clearInterval(timer);
    if (options.ipc) process.off('disconnect', fire);
  };
  const fire = (): void => {
    if (fired) return;
    fired = true;
    stop();
    // SIGKILL, not process.exit(): kinesis-local's runtime survives process.exit() while its shutdown hangs.
    if (options.graceMs !== undefined) {
      setTimeout(() => process.kill(process.pid, 'SIGKILL'), options.graceMs).unref();
    }
    onOwnerGone();
  };
  if (options.ipc) process.once('disconnect', fire);
  return stop;
}
