import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { prepareDataDir } from './data-dir.js';
import { LocalStackError, LocalStackErrorCode } from './errors.js';
import { identify } from './process-liveness.js';

/** A process that stays alive until killed. */
function sleeper(): Promise<ChildProcess & { pid: number }> {
  const child = spawn(process.execPath, ['-e', 'setTimeout(() => {}, 60_000)'], { stdio: 'ignore' });
  return new Promise((resolve, reject) => {
    child.once('spawn', () => resolve(child as ChildProcess & { pid: number }));
    child.once('error', reject);
  });
}

/** The pid of a process that has exited. */
async function deadPid(): Promise<number> {
  const child = spawn(process.execPath, ['-e', ''], { stdio: 'ignore' });
  await new Promise((resolve) => child.once('exit', resolve));
  if (child.pid === undefined) throw new Error('no pid');
  return child.pid;
}

describe('Function: prepareDataDir (the data-directory lock)', () => {
  let root: string;
  const children: ChildProcess[] = [];

  beforeEach(async () => {
    root = await mkdtemp(join(tmpdir(), 'sparkless-lock-'));
  });

  afterEach(async () => {
    for (const child of children.splice(0)) child.kill('SIGKILL');
    await rm(root, { recursive: true, force: true });
  });

  it('refuses a directory whose lock names a live owner, with a message naming the fix', async () => {
    // Prepare
    const owner = await sleeper();
    children.push(owner);
    await writeFile(join(root, 'stack.lock'), JSON.stringify(identify(owner.pid)));

    // Act
    const claim = prepareDataDir({ persist: true, dataDir: root, cwd: root });

    // Assess
    await expect(claim).rejects.toBeInstanceOf(LocalStackError);
    await expect(claim).rejects.toMatchObject({ code: LocalStackErrorCode.dataDirInUse });
    await expect(claim).rejects.toThrow(`kill ${owner.pid}`);
    await expect(claim).rejects.toThrow(/choose another data directory \(--data-dir/);
  });

  it('takes over a lock left by a process that died, and writes its own pid and start time', async () => {
    // Prepare
    await writeFile(join(root, 'stack.lock'), String(await deadPid()));

    // Act
    const dataDir = await prepareDataDir({ persist: true, dataDir: root, cwd: root });

    // Assess
    expect(JSON.parse(await readFile(join(root, 'stack.lock'), 'utf8'))).toEqual(identify(process.pid));
    await dataDir.release();
  });

  it('takes over a lock whose pid now belongs to another process (pid reuse: the start time differs)', async () => {
    // Prepare
    const stranger = await sleeper();
    children.push(stranger);
    await writeFile(join(root, 'stack.lock'), JSON.stringify({ pid: stranger.pid, startTime: '1' }));

    // Act
    const dataDir = await prepareDataDir({ persist: true, dataDir: root, cwd: root });

    // Assess
    expect(JSON.parse(await readFile(join(root, 'stack.lock'), 'utf8'))).toMatchObject({ pid: process.pid });
    await dataDir.release();
  });
});
