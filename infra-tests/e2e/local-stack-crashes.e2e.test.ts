import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startEmbeddedStack } from '../../localstack/embedded';
import { jobOptions } from '../../localstack/main/options';
import { runWordCountOn } from '../../localstack/main/word-count-job';
import { descendants, descendantsMatching, killAll, launchNpm, waitFor } from './processes';

const VOCABULARY = ['alpha', 'beta', 'gamma', 'delta', 'epsilon', 'zeta', 'eta', 'theta', 'iota', 'kappa'];

/** Deterministic generated input: `count` lines of 1..8 words. */
function generateLines(count: number, seed: number): string[] {
  let state = seed;
  const next = (): number => {
    state = (state * 1103515245 + 12345) % 2147483648;
    return state;
  };
  return Array.from({ length: count }, () =>
    Array.from({ length: 1 + (next() % 8) }, () => VOCABULARY[next() % VOCABULARY.length]).join(' '),
  );
}

describe('End to end: crashes of a --data-dir stack lose and double-count nothing', () => {
  let dataDir: string;
  const leftovers = new Set<number>();

  beforeEach(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'sparkless-crash-'));
  });

  afterEach(async () => {
    killAll([...leftovers].flatMap((pid) => [pid, ...descendants(pid)]));
    leftovers.clear();
    await rm(dataDir, { recursive: true, force: true });
  });

  it('recovers by itself when the emulators (Kinesis, then DynamoDB+S3) are killed with SIGKILL during a run, and the counts verify', async () => {
    // Prepare
    const stack = await startEmbeddedStack({ port: 0, dataDir, log: () => undefined });
    const input = join(dataDir, 'input.txt');
    await writeFile(input, `${generateLines(300, 11).join('\n')}\n`);
    const log: string[] = [];
    let killed: number | undefined;
    let killedHost: number | undefined;

    // Act: kill -9 the Kinesis emulator once the input is in the stream, while the mapping reads it
    let exitCode: number;
    try {
      exitCode = await runWordCountOn(
        { endpoint: stack.endpoint, region: stack.region, dataDir: stack.dataDir },
        jobOptions({ dataDir, input }),
        (line) => {
          log.push(line);
          if (line.startsWith('produced ') && killed === undefined) {
            [killed] = descendantsMatching(process.pid, /kinesis-process/);
            if (killed !== undefined) process.kill(killed, 'SIGKILL');
            setTimeout(() => {
              [killedHost] = descendantsMatching(process.pid, /emulator-host-process/);
              if (killedHost !== undefined) process.kill(killedHost, 'SIGKILL');
            }, 1_500);
          }
        },
      );
    } finally {
      await stack.stop();
    }

    // Assess
    expect(killed).toBeDefined();
    expect(killedHost).toBeDefined();
    expect(stack.emulatorRestarts()).toBe(2);
    expect(exitCode).toBe(0);
    expect(log).toContain('verified: stored counts equal an independent count of the input');
    expect(log).toContain(
      'the stream holds 301 records: 300 of valid UTF-8 (counted), 1 not (dead-lettered)',
    );
  });

  it('resumes a run hard-killed (SIGKILL of every process) at a random moment: the restarted run verifies', async () => {
    // Prepare
    const input = join(dataDir, 'input.txt');
    await writeFile(input, `${generateLines(400, 23).join('\n')}\n`);
    const args = ['--port', '0', '--data-dir', join(dataDir, 'stack'), '--input', input, '--shards', '2'];
    const first = launchNpm(['start', '--', ...args], '');
    leftovers.add(first.child.pid);
    // Once the first batch is counted (DynamoDB already holds work), at a random moment in the next second
    await waitFor(() => first.output().includes('Time: '), 40_000, 'no batch was processed');
    const delayMs = Math.round(Math.random() * 1_000);
    console.log(`hard kill ${delayMs} ms after the first batch was printed`);

    // Act: like a power cut for the run: the owner and both emulators at once
    await new Promise((resolve) => setTimeout(resolve, delayMs));
    const processes = descendants(first.child.pid);
    for (const pid of processes) leftovers.add(pid);
    killAll([first.child.pid, ...processes]);
    await first.exited;
    const second = launchNpm(['start', '--', ...args], '');
    leftovers.add(second.child.pid);
    const exitCode = await second.exited;

    // Assess
    expect(second.output()).toContain('verified: stored counts equal an independent count of the input');
    expect(exitCode).toBe(0);
  });
});
