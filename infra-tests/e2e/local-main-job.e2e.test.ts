import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { statefulWordCount } from '../../functions/pipelines/stateful-word-count';
import { type EmbeddedStack, startEmbeddedStack } from '../../localstack/embedded';
import { jobOptions } from '../../localstack/main/options';
import { runWordCountOn } from '../../localstack/main/word-count-job';
import { localRunnerClients } from '../../localstack/runner/handler-options';
import { createPipelineReaders } from '../../localstack/runner/pipeline-readers';
import { launchNpm } from './processes';

describe('End to end: npm start (the stateful word count job)', () => {
  it('counts piped stdin with --follow: end of input drains every line, prints (be,2) and exits 0', async () => {
    // Act
    const run = launchNpm(['start', '--', '--port', '0', '--follow'], 'to be or not to be\n');
    const exitCode = await run.exited;

    // Assess
    expect(run.output()).not.toMatch(/ECONNREFUSED/);
    expect(exitCode).toBe(0);
    expect(run.output()).toContain('(be,2)');
    expect(run.output()).toContain('verified: stored counts equal an independent count of the input');
  });

  describe('on a running stack', () => {
    let stack: EmbeddedStack;
    let directory: string;

    beforeAll(async () => {
      stack = await startEmbeddedStack({ port: 0, persist: false });
      directory = await mkdtemp(join(tmpdir(), 'sparkless-input-'));
    });

    afterAll(async () => {
      await stack?.stop();
      await rm(directory, { recursive: true, force: true });
    });

    it('produces an --input line of invalid UTF-8 as its bytes: dead-lettered, not counted, and verified', async () => {
      // Prepare
      const invalidLine = Buffer.from([0x62, 0x61, 0x64, 0x20, 0xc3, 0x28, 0x20, 0x77, 0x6f, 0x72, 0x64]); // "bad \xC3( word"
      const file = join(directory, 'input.txt');
      await writeFile(
        file,
        Buffer.concat([Buffer.from('good words here\n'), invalidLine, Buffer.from('\nmore good words\n')]),
      );
      const log: string[] = [];

      // Act
      const exitCode = await runWordCountOn(
        { endpoint: stack.endpoint, region: stack.region, dataDir: undefined },
        jobOptions({ shards: 1, input: file, malformedRecord: false }),
        (line) => log.push(line),
      );

      // Assess
      expect(exitCode).toBe(0);
      expect(log).toContain('verified: stored counts equal an independent count of the input');
      const readers = createPipelineReaders({
        ...localRunnerClients(stack.endpoint, stack.region),
        tableName: 'sparkless-state',
        bucket: 'sparkless-checkpoints',
        namespace: statefulWordCount.name,
      });
      const counts = Object.fromEntries(await readers.readState('global-word-counts'));
      expect(counts).toEqual({ good: 2, words: 2, here: 1, more: 1 });
      const deadLetters = await readers.readDeadLetters();
      expect(deadLetters).toHaveLength(1);
      expect(deadLetters[0]).toMatchObject({
        errorCode: 'DECODE_FAILED',
        key: 'line-1',
        data: invalidLine.toString('base64'),
      });
    });
  });
});
