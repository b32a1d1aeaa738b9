import { spawn } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { watchOwner } from './owner-watch.js';
import { identify } from './process-liveness.js';

/** A process that runs until it is killed, and its identity. */
async function startOwner() {
  const child = spawn(process.execPath, ['-e', 'setTimeout(() => {}, 60_000)'], { stdio: 'ignore' });
  await new Promise((resolve) => child.once('spawn', resolve));
  return { child, identity: identify(child.pid ?? 0) };
}

describe('Function: watchOwner', () => {
  it('calls back once when an owner process ends, not before', async () => {
    // Prepare
    const { child, identity } = await startOwner();
    let calls = 0;
    const stop = watchOwner(() => (calls += 1), { owners: [identity], pollIntervalMs: 20 });
    await new Promise((resolve) => setTimeout(resolve, 100));
    const callsWhileAlive = calls;

    // Act
    child.kill('SIGKILL');
    await new Promise((resolve) => child.once('exit', resolve));
    await new Promise((resolve) => setTimeout(resolve, 200));

    // Assess
    stop();
    expect(callsWhileAlive).toBe(0);
    expect(calls).toBe(1);
  });

  it('treats a reused pid (same pid, another start time) as the owner’s end', async () => {
    // Prepare
    const { child, identity } = await startOwner();
    let calls = 0;

    // Act
    const stop = watchOwner(() => (calls += 1), {
      owners: [{ pid: identity.pid, startTime: `${identity.startTime ?? ''}0` }],
      pollIntervalMs: 20,
    });
    await new Promise((resolve) => setTimeout(resolve, 100));

    // Assess
    stop();
    child.kill('SIGKILL');
    expect(calls).toBe(1);
  });
});
