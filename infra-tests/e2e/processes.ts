import { type ChildProcess, spawn } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { commandLineOf, identify, isRunning, parentOf } from '../../localstack/embedded/process-liveness';
import { PROJECT_ROOT } from '../support';

/** A command started as users start it (`npm …`), with its output collected. */
export interface LaunchedCommand {
  readonly child: ChildProcess & { readonly pid: number };
  /** stdout and stderr so far, interleaved. */
  readonly output: () => string;
  readonly exited: Promise<number | null>;
}

/**
 * Runs `npm <args>` in the project root, in its own process group, with piped stdio (what `stdin` is given is
 * written and stdin closed; otherwise stdin stays open for the test to write to).
 */
export function launchNpm(args: readonly string[], stdin?: string): LaunchedCommand {
  const child = spawn('npm', args, { cwd: PROJECT_ROOT, stdio: ['pipe', 'pipe', 'pipe'], detached: true });
  if (child.pid === undefined) throw new Error('npm did not start');
  let output = '';
  child.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString('utf8')));
  child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString('utf8')));
  // A test that keeps writing after it killed the command gets EPIPE: not an error of the test
  child.stdin?.on('error', () => undefined);
  if (stdin !== undefined) child.stdin?.end(stdin);
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  return { child: child as ChildProcess & { pid: number }, output: () => output, exited };
}

/** Whether a process runs (not gone, not a zombie). */
export function alive(pid: number): boolean {
  return isRunning(identify(pid));
}

/** Every live descendant of `pid` (children, grandchildren, …), from `/proc`. */
export function descendants(pid: number): number[] {
  const children = new Map<number, number[]>();
  for (const entry of readdirSync('/proc')) {
    const child = Number(entry);
    if (!Number.isInteger(child)) continue;
    const parent = parentOf(child);
    if (parent !== undefined) children.set(parent, [...(children.get(parent) ?? []), child]);
  }
  const found: number[] = [];
  const queue = [pid];
  while (queue.length > 0) {
    for (const child of children.get(queue.shift() ?? 0) ?? []) {
      found.push(child);
      queue.push(child);
    }
  }
  return found.filter(alive);
}

/** The live descendants of `pid` whose command line matches `pattern`. */
export function descendantsMatching(pid: number, pattern: RegExp): number[] {
  return descendants(pid).filter((child) => pattern.test(commandLineOf(child)));
}

/** Sends SIGKILL to every process given that still runs. */
export function killAll(pids: Iterable<number>): void {
  for (const pid of pids) {
    if (!alive(pid)) continue;
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      // gone meanwhile
    }
  }
}

/** Polls `condition` every 50 ms; fails with `what` after `timeoutMs`. */
export async function waitFor(condition: () => boolean, timeoutMs: number, what: string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`${what} within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}
