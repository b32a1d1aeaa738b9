import { describe, expect, it } from 'vitest';
import type { EmulatorProcess } from './emulator-process';
import { superviseEmulator } from './supervised-emulator';

/** An emulator process twin: `crash()` ends it as a SIGKILL would. */
function fakeProcess(pid: number): EmulatorProcess & { crash(): void } {
  let running = true;
  let exit: (how: string) => void = () => undefined;
  const exited = new Promise<string>((resolve) => (exit = resolve));
  const end = (how: string) => {
    running = false;
    exit(how);
  };
  return {
    name: 'fake',
    ports: { plain: 1000 + pid },
    pid,
    exited,
    isRunning: () => running,
    stop: async () => {
      end('stopped');
      return { killed: false };
    },
    crash: () => end('was killed by SIGKILL'),
  };
}

/** Supervises fake processes with pids 1, 2, 3, …; `started` lists every one started. */
async function supervised() {
  const started: ReturnType<typeof fakeProcess>[] = [];
  const log: string[] = [];
  const emulator = await superviseEmulator(
    async () => {
      const process = fakeProcess(started.length + 1);
      started.push(process);
      return process;
    },
    (line) => log.push(line),
  );
  return { emulator, started, log };
}

/** Lets the supervisor's promise callbacks run. */
const settle = () => new Promise((resolve) => setTimeout(resolve, 10));

describe('Function: superviseEmulator', () => {
  it('restarts a process that exits unexpectedly', async () => {
    // Prepare
    const { emulator, started } = await supervised();

    // Act
    started[0]?.crash();
    await settle();

    // Assess
    expect(emulator.restarts()).toBe(1);
    expect(emulator.current().pid).toBe(2);
    expect(emulator.isRunning()).toBe(true);
    await emulator.stop();
  });

  describe('Method: holdRestarts', () => {
    it('keeps a crashed process down until every hold is released, then restarts it once', async () => {
      // Prepare
      const { emulator, started, log } = await supervised();
      const releaseFirst = emulator.holdRestarts();
      const releaseSecond = emulator.holdRestarts();

      // Act
      started[0]?.crash();
      await settle();
      const whileHeld = { running: emulator.isRunning(), started: started.length };
      releaseFirst();
      await settle();
      const afterOneRelease = { running: emulator.isRunning(), started: started.length };
      releaseSecond();
      releaseSecond();
      await settle();

      // Assess
      expect(whileHeld).toEqual({ running: false, started: 1 });
      expect(afterOneRelease).toEqual({ running: false, started: 1 });
      expect(emulator.restarts()).toBe(1);
      expect(started).toHaveLength(2);
      expect(emulator.current().pid).toBe(2);
      expect(emulator.isRunning()).toBe(true);
      expect(log.some((line) => line.includes('restarts are held'))).toBe(true);
      await emulator.stop();
    });

    it('stop() while a crashed process is held down resolves without starting another', async () => {
      // Prepare
      const { emulator, started } = await supervised();
      emulator.holdRestarts();
      started[0]?.crash();
      await settle();

      // Act
      await emulator.stop();
      await settle();

      // Assess
      expect(started).toHaveLength(1);
      expect(emulator.isRunning()).toBe(false);
    });
  });
});
