import { describe, expect, it } from 'vitest';
import { textRecords } from '../../test/factories/records';
import { wordCountProgressWorld } from '../../test/factories/word-count-world';
import { runCli } from '../program';
import type { CommandIo } from './io';
import { progressCommand, statusCommand } from './progress';

const PARTITION = 'stream.0';

function capture() {
  const out: string[] = [];
  const err: string[] = [];
  const io: CommandIo = { out: (line) => out.push(line), err: (line) => err.push(line), env: {} };
  return { io, out, err };
}

/** A word count that ran `batches` one-line batches, and the sources the commands read. */
async function ranBatches(batches: number) {
  const { sources, ...running } = wordCountProgressWorld();
  const run = async (from: number, count: number) => {
    for (let i = from; i < from + count; i++) {
      await running.executor.processPartition(
        PARTITION,
        textRecords([`w${i} x`], { partition: PARTITION, firstN: i }),
      );
      running.clock.advance(1_000);
    }
  };
  await run(0, batches);
  return { sources, run };
}

describe('Command: sparkless progress', () => {
  it('prints the n most recent records as JSON lines, oldest first', async () => {
    // Prepare
    const { sources } = await ranBatches(3);
    const { io, out } = capture();

    // Act
    const code = await progressCommand('word-count', { n: '2', json: true }, io, {
      sources: async () => sources,
    });

    // Assess
    expect(code).toBe(0);
    expect(out.map((line) => JSON.parse(line) as { batchId: number })).toEqual([
      expect.objectContaining({ batchId: 1, numInputRows: 1, partition: PARTITION }),
      expect.objectContaining({ batchId: 2, numInputRows: 1, partition: PARTITION }),
    ]);
  });

  it('prints one line per record as text', async () => {
    const { sources } = await ranBatches(1);
    const { io, out } = capture();

    await progressCommand('word-count', {}, io, { sources: async () => sources });

    expect(out).toEqual([
      expect.stringMatching(
        /^1970-01-01T00:00:01\.000Z stream\.0 batch 0: 1 row\(s\), \d+ ms, scheduling delay 0 ms$/,
      ),
    ]);
  });

  it('with --follow prints each new batch once, until interrupted', async () => {
    // Prepare: batches commit while the command follows; abort once all have been printed
    const { sources, run } = await ranBatches(1);
    const { io, out } = capture();
    const controller = new AbortController();
    const following = progressCommand(
      'word-count',
      { json: true, follow: true, interval: '5' },
      {
        ...io,
        out: (line) => {
          out.push(line);
          if (out.length === 4) controller.abort();
        },
      },
      { sources: async () => sources, signal: controller.signal },
    );

    // Act
    await run(1, 3);
    const code = await following;

    // Assess
    expect(code).toBe(0);
    expect(out.map((line) => (JSON.parse(line) as { batchId: number }).batchId)).toEqual([0, 1, 2, 3]);
  });
});

describe('Command: sparkless status', () => {
  it('says on stderr when no batch has run in the namespace, naming what to check', async () => {
    // Prepare
    const { sources } = await ranBatches(0);
    const { io, out, err } = capture();

    // Act
    const code = await statusCommand('word-count', {}, io, { sources: async () => sources });
    await progressCommand('word-count', {}, io, { sources: async () => sources });

    // Assess
    expect(code).toBe(0);
    expect(out[0]).toBe('word-count@wc: Waiting for the first batch');
    expect(err).toEqual([
      'sparkless: no batch has run in namespace wc yet; if the pipeline has run, check the pipeline name, --namespace or --stack',
      'sparkless: no batch has run in namespace wc yet; if the pipeline has run, check the pipeline name, --namespace or --stack',
    ]);
  });

  it("prints the message, Spark's flags and each partition's committed offset", async () => {
    const { sources } = await ranBatches(2);
    const { io, out } = capture();

    const code = await statusCommand('word-count', {}, io, { sources: async () => sources });

    expect(code).toBe(0);
    expect(out[0]).toBe('word-count@wc: Waiting for data to arrive');
    expect(out[1]).toBe('isDataAvailable: false, isTriggerActive: false');
    expect(out[2]).toMatch(/^partition stream\.0, committed \d{56}, 2 batch\(es\)$/);
  });
});

describe('Function: runCli (status, progress)', () => {
  it('lists status and progress in --help and exits 0 for their own --help', async () => {
    const { io, out } = capture();

    expect(await runCli(['--help'], io)).toBe(0);
    expect(await runCli(['progress', '--help'], io)).toBe(0);
    expect(await runCli(['status', '--help'], io)).toBe(0);

    const help = out.join('\n');
    expect(help).toMatch(/status \[options\] <pipeline>/);
    expect(help).toMatch(/progress \[options\] <pipeline>/);
    for (const option of ['-n <count>', '--json', '--follow', '--interval', '--endpoint', '--stack']) {
      expect(help).toContain(option);
    }
  });

  it.each([
    {
      argv: ['progress', 'p', '-n', '0'],
      message: /^sparkless: -n must be a positive whole number \(given "0"\)$/,
    },
    {
      argv: ['progress', 'p', '-n', 'ten'],
      message: /^sparkless: -n must be a positive whole number \(given "ten"\)$/,
    },
    {
      argv: ['progress', 'p', '--follow', '--interval', '-5'],
      message: /^sparkless: --interval must be a positive whole number/,
    },
    { argv: ['status'], message: /^error: missing required argument 'pipeline' \(see sparkless --help\)$/ },
  ])('refuses $argv with one line naming the fix', async ({ argv, message }) => {
    const { io, err } = capture();

    const code = await runCli(argv, io);

    expect(code).toBe(1);
    expect(err).toEqual([expect.stringMatching(message)]);
  });
});
