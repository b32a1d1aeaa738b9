import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startEmbeddedStack } from '../../localstack/embedded';
import { commandLineOf, identify, isRunning, parentOf } from '../../localstack/embedded/process-liveness';
import { PROJECT_ROOT } from '../support';

/** A command started as users start it (`npm …`), with its output collected. */
interface Launched {
  readonly child: ChildProcess & { readonly pid: number };
  readonly output: () => string;
  readonly exited: Promise<number | null>;
}

function launch(args: readonly string[]): Launched {
  const child = spawn('npm', args, { cwd: PROJECT_ROOT, stdio: ['pipe', 'pipe', 'pipe'], detached: true });
  if (child.pid === undefined) throw new Error('npm did not start');
  let output = '';
  child.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString('utf8')));
  child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString('utf8')));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  return { child: child as ChildProcess & { pid: number }, output: () => output, exited };
}

function alive(pid: number): boolean {
  return isRunning(identify(pid));
}

/** Every live descendant of `pid` (children, grandchildren, …). */
function descendants(pid: number): number[] {
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

async function waitFor(condition: () => boolean, timeoutMs: number, what: string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`${what} within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/** Every process a test saw, killed after the test whatever happened. */
const seenProcesses = new Set<number>();

/** The processes of a launched stack: every descendant, the emulator children, and the owner (their parent). */
async function stackProcesses(launched: Launched, readyText: string) {
  await waitFor(() => launched.output().includes(readyText), 40_000, `"${readyText}" was not printed`);
  const all = descendants(launched.child.pid);
  for (const pid of all) seenProcesses.add(pid);
  const emulators = all.filter((pid) => /kinesis-process|emulator-host-process/.test(commandLineOf(pid)));
  expect(emulators).toHaveLength(2);
  const owner = parentOf(emulators[0] ?? 0) ?? 0;
  return { all, emulators, owner };
}

describe('End to end: the local stack dies with its owner', () => {
  let dataDir: string;
  const launchedProcesses: Launched[] = [];

  beforeEach(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'sparkless-lifecycle-'));
  });

  afterEach(async () => {
    const pids = launchedProcesses
      .splice(0)
      .flatMap((launched) => [launched.child.pid, ...descendants(launched.child.pid)]);
    for (const pid of new Set([...pids, ...seenProcesses].filter(alive))) {
      try {
        process.kill(pid, 'SIGKILL');
      } catch {
        // already gone
      }
    }
    seenProcesses.clear();
    await rm(dataDir, { recursive: true, force: true });
  });

  it('stops the emulators within seconds when the owner is killed with SIGKILL while producing, and the next run takes over the stale lock', async () => {
    // Prepare
    const run = launch(['start', '--', '--port', '0', '--data-dir', dataDir, '--follow']);
    launchedProcesses.push(run);
    const producing = setInterval(() => run.child.stdin?.write('to be or not to be\n'), 50);
    const { all, owner } = await stackProcesses(run, 'following:');

    // Act
    process.kill(owner, 'SIGKILL');

    // Assess
    try {
      await waitFor(() => all.every((pid) => !alive(pid)), 10_000, 'processes were still running');
    } finally {
      clearInterval(producing);
    }
    const next = await startEmbeddedStack({ port: 0, dataDir });
    await next.stop();
  });

  it('stops npm start --follow gracefully on SIGTERM to the npm process (npm does not pass it on)', async () => {
    // Prepare
    const run = launch(['start', '--', '--port', '0', '--data-dir', dataDir, '--follow']);
    launchedProcesses.push(run);
    const { all } = await stackProcesses(run, 'following:');

    // Act
    process.kill(run.child.pid, 'SIGTERM');

    // Assess
    await waitFor(() => all.every((pid) => !alive(pid)), 10_000, 'processes were still running');
    expect(existsSync(join(dataDir, 'stack.lock'))).toBe(false);
  });

  it('stops npm run localstack on SIGTERM to the npm process, and refuses a second stack on its data directory meanwhile', async () => {
    // Prepare
    const run = launch(['run', 'localstack', '--', '--port', '0', '--data-dir', dataDir]);
    launchedProcesses.push(run);
    const { all, owner } = await stackProcesses(run, 'Ctrl-C to stop.');
    const second = launch(['run', 'localstack', '--', '--port', '0', '--data-dir', dataDir]);
    launchedProcesses.push(second);
    expect(await second.exited).toBe(1);

    // Act
    process.kill(run.child.pid, 'SIGTERM');

    // Assess
    expect(second.output()).toContain(`used by another running stack (pid ${owner})`);
    expect(second.output()).toContain(`kill ${owner}`);
    await waitFor(() => all.every((pid) => !alive(pid)), 10_000, 'processes were still running');
    expect(existsSync(join(dataDir, 'stack.lock'))).toBe(false);
  });
});
