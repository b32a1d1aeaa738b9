import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startEmbeddedStack } from '../../localstack/embedded';
import { parentOf } from '../../localstack/embedded/process-liveness';
import {
  alive,
  descendants,
  descendantsMatching,
  killAll,
  type LaunchedCommand,
  launchNpm,
  waitFor,
} from './processes';

/** Every process a test saw, killed after the test whatever happened. */
const seenProcesses = new Set<number>();

/** The processes of a launched stack: every descendant, the emulator children, and the owner (their parent). */
async function stackProcesses(launched: LaunchedCommand, readyText: string) {
  await waitFor(() => launched.output().includes(readyText), 40_000, `"${readyText}" was not printed`);
  const all = descendants(launched.child.pid);
  for (const pid of all) seenProcesses.add(pid);
  const emulators = descendantsMatching(launched.child.pid, /kinesis-process|emulator-host-process/);
  expect(emulators).toHaveLength(2);
  const owner = parentOf(emulators[0] ?? 0) ?? 0;
  return { all, emulators, owner };
}

describe('End to end: the local stack dies with its owner', () => {
  let dataDir: string;
  const launchedProcesses: LaunchedCommand[] = [];

  beforeEach(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'sparkless-lifecycle-'));
  });

  afterEach(async () => {
    const pids = launchedProcesses
      .splice(0)
      .flatMap((launched) => [launched.child.pid, ...descendants(launched.child.pid)]);
    killAll(new Set([...pids, ...seenProcesses]));
    seenProcesses.clear();
    await rm(dataDir, { recursive: true, force: true });
  });

  it('stops the emulators within seconds when the owner is killed with SIGKILL while producing, and the next run takes over the stale lock', async () => {
    // Prepare
    const run = launchNpm(['start', '--', '--port', '0', '--data-dir', dataDir, '--follow']);
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
    const run = launchNpm(['start', '--', '--port', '0', '--data-dir', dataDir, '--follow']);
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
    const run = launchNpm(['run', 'localstack', '--', '--port', '0', '--data-dir', dataDir]);
    launchedProcesses.push(run);
    const { all, owner } = await stackProcesses(run, 'Ctrl-C to stop.');
    const second = launchNpm(['run', 'localstack', '--', '--port', '0', '--data-dir', dataDir]);
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
