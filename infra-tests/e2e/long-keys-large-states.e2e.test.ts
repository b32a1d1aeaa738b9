import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ListObjectsV2Command } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ErrorCode } from '../../lib/core';
import { type EmbeddedStack, startEmbeddedStack } from '../../localstack/embedded';
import { runWordCountJob } from '../../localstack/main/word-count-job';
import { deployLocalPipeline } from '../../localstack/runner/local-pipeline';
import { paddingPipeline } from '../../test/factories/pipelines';

/** A word of 3,000 characters: above DynamoDB's 2,048-byte partition key limit (the repro). */
const LONG_WORD = 'x'.repeat(3_000);

const padding = paddingPipeline('padding');

describe('End to end: keys of any length and states above 400 KB on the embedded local stack', () => {
  let stack: EmbeddedStack;
  let dir: string;

  beforeAll(async () => {
    stack = await startEmbeddedStack({ port: 0, persist: false });
    dir = await mkdtemp(join(tmpdir(), 'sparkless-long-keys-'));
  });

  afterAll(async () => {
    await stack?.stop();
    await rm(dir, { recursive: true, force: true });
  });

  it('runs the main job on an input with a 3,000-character word: verified, the word counted once, later lines too', async () => {
    // Prepare: `npm start -- --port 0 --input F --no-malformed`
    const input = join(dir, 'long-word.txt');
    await writeFile(input, `to be\nor ${LONG_WORD} not\nto be later\n`);
    const log: string[] = [];

    // Act
    const exitCode = await runWordCountJob(
      {
        follow: false,
        port: 0,
        dataDir: undefined,
        shards: 1,
        input,
        malformedRecord: false,
        readStdin: false,
      },
      (line) => log.push(line),
    );

    // Assess: to, be, or, LONG_WORD, not, later; 8 words (the independent count checks each one)
    expect(exitCode).toBe(0);
    expect(log).toContain('verified: stored counts equal an independent count of the input');
    expect(log).toContain('global counts: 6 distinct words, 8 words in total');
    expect(log.some((line) => line.startsWith('dead letter:'))).toBe(false);
  });

  it('keeps a state above 400 KB in S3; a fold past MAX_STATE_BYTES is dead-lettered and the stream moves on', async () => {
    // Prepare
    const local = await deployLocalPipeline({
      endpoint: stack.endpoint,
      region: stack.region,
      pipeline: padding,
      streamName: 'e2e-padding',
      namespace: 'e2e-padding',
      shards: 1,
      print: () => undefined,
    });
    const encoder = new TextEncoder();
    const run = async (lines: readonly string[]) => {
      await local.produce(lines.map((line, i) => ({ partitionKey: `p${i}`, data: encoder.encode(line) })));
      await local.mapping.runUntilIdle({ idlePolls: 2 });
    };
    const sizes = async () =>
      Object.fromEntries(
        [...(await local.readState('padding'))].map(([key, state]) => [key, (state as string).length / 1024]),
      );

    // Act: 600 KiB on "a"; then a fold that would take "a" past 16 MiB; then small lines again
    await run(['a 300', 'a 300', 'b 1']);
    const large = await sizes();
    const objects = await local.clients.s3.send(
      new ListObjectsV2Command({ Bucket: 'sparkless-checkpoints', Prefix: 'state/e2e-padding/' }),
    );
    await run(['a 16384']);
    await run(['a 1', 'b 1']);

    // Assess
    expect(large).toEqual({ a: 600, b: 1 });
    expect(objects.KeyCount).toBe(1);
    expect(await sizes()).toEqual({ a: 601, b: 2 });
    const deadLetters = await local.readDeadLetters();
    expect(deadLetters).toHaveLength(1);
    expect(deadLetters[0]).toMatchObject({
      kind: 'element',
      stage: 'padding',
      errorCode: ErrorCode.StateTooLarge,
      value: ['a', [16_384]],
    });
    expect(deadLetters[0]?.reason).toMatch(/above the 16777216 bytes \(16 MiB\) a key's state may take/);
    expect(await local.readOnFailureRecords()).toEqual([]);
  });
});
