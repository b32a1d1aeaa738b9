import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type EmbeddedStack, startEmbeddedStack } from '../../localstack/embedded';
import { PROGRAMS } from '../../localstack/programs';
import { parsePrintedBlockList } from '../../localstack/programs/printed-blocks';

/**
 * Every seed program on the embedded stack, through the real handlers and the local event source
 * mapping or prefix poller: each feeds its generated input (with out-of-order and late records for
 * the windowed ones) and compares its outputs with plain loops over that input.
 */
describe('End to end: the seed programs on the embedded local stack', () => {
  let stack: EmbeddedStack;

  beforeAll(async () => {
    stack = await startEmbeddedStack({ port: 0, persist: false });
  });

  afterAll(async () => {
    await stack?.stop();
  });

  const expectations: Record<string, { late: number; deadLetters: number }> = {
    'word-count': { late: 0, deadLetters: 0 },
    'file-stream-word-count': { late: 0, deadLetters: 1 },
    'transform-blacklist': { late: 0, deadLetters: 0 },
    'window-hot-word': { late: 5, deadLetters: 0 },
    'persist-word-count': { late: 0, deadLetters: 0 },
    'top3-hot-product': { late: 5, deadLetters: 0 },
    'iot-device-counts': { late: 0, deadLetters: 2 },
  };

  it.each(Object.keys(expectations))('%s matches its plain-loop reference', async (name) => {
    // Prepare
    const program = PROGRAMS.find((candidate) => candidate.name === name);
    if (program === undefined) throw new Error(`no program ${name}`);
    const printed: string[] = [];

    // Act
    const outcome = await program.run({
      endpoint: stack.endpoint,
      region: stack.region,
      log: () => undefined,
      print: (block) => printed.push(block),
    });

    // Assess
    expect(outcome.problems).toEqual([]);
    expect({ late: outcome.lateRecords, deadLetters: outcome.deadLetters }).toEqual(expectations[name]);
    expect(outcome.batches).toBeGreaterThan(1);
    if (name !== 'persist-word-count') {
      expect(parsePrintedBlockList(printed).every((block) => Number.isInteger(block.time))).toBe(true);
    }
  });
});
