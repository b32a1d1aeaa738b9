import { describe, expect, it } from 'vitest';
import type { CommandIo } from './commands/io';
import { runCli } from './program';

function capture(env: Record<string, string | undefined> = {}) {
  const out: string[] = [];
  const err: string[] = [];
  const io: CommandIo = { out: (line) => out.push(line), err: (line) => err.push(line), env };
  return { io, out, err };
}

describe('Function: runCli', () => {
  it('prints the commands and exits 0 for --help', async () => {
    // Prepare
    const { io, out, err } = capture();

    // Act
    const code = await runCli(['--help'], io);

    // Assess
    expect(code).toBe(0);
    expect(out.join('\n')).toMatch(/Usage: sparkless .*\n[\s\S]*recover \[options\] <pipeline>/);
    expect(err).toEqual([]);
  });

  it('prints the target options of recover and exits 0 for recover --help', async () => {
    const { io, out } = capture();

    const code = await runCli(['recover', '--help'], io);

    expect(code).toBe(0);
    for (const option of ['--stack', '--endpoint', '--queue-url', '--on-failure', '--module']) {
      expect(out.join('\n')).toContain(option);
    }
  });

  it.each([
    { argv: ['recover'], message: /^error: missing required argument 'pipeline' \(see sparkless --help\)$/ },
    { argv: ['recuver', 'x'], message: /^error: unknown command 'recuver' \(Did you mean recover\?\)/ },
    { argv: ['recover', 'x', '--bogus'], message: /^error: unknown option '--bogus'/ },
    {
      argv: ['recover', 'no-such-pipeline', '--endpoint', 'http://127.0.0.1:9'],
      message:
        /^sparkless: unknown pipeline "no-such-pipeline" \(known: .*stateful-word-count.*\); for your own pipeline pass --module/,
    },
    {
      argv: [
        'recover',
        'stateful-word-count',
        '--endpoint',
        'http://127.0.0.1:9',
        '--on-failure',
        'bucket/x',
      ],
      message: /^sparkless: --on-failure must be an s3:\/\/bucket\/prefix\/ URL \(given "bucket\/x"\)$/,
    },
    {
      argv: ['recover', 'stateful-word-count', '--endpoint', 'http://127.0.0.1:9'],
      message:
        /^sparkless: .*ECONNREFUSED.*: start the embedded stack with `npm run localstack`, or fix --endpoint\)$/,
    },
    {
      argv: ['recover', 'stateful-word-count', '--module', 'no/such/file.ts'],
      message:
        /^sparkless: cannot load --module no\/such\/file\.ts .*: pass the path of a file that exports your pipeline$/,
    },
  ])('refuses $argv with one line naming the fix and a non-zero exit', async ({ argv, message }) => {
    // Prepare
    const { io, err } = capture();

    // Act
    const code = await runCli(argv, io);

    // Assess
    expect(code).not.toBe(0);
    expect(err).toHaveLength(1);
    expect(err[0]).toMatch(message);
  });
});
