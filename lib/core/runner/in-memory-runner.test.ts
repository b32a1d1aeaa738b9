import { describe, expect, it } from 'vitest';
import { statefulWordCount } from '../../../functions/pipelines/stateful-word-count';
import { wordCount } from '../../../functions/pipelines/word-count';
import { malformedRecord, textRecords } from '../../../test/factories/records';
import { decodeUtf8, pipeline } from '..';
import { InMemoryRunner } from './in-memory-runner';

describe('Class: InMemoryRunner', () => {
  describe('Method: runBatch', () => {
    it('prints per-batch word counts in Spark format', async () => {
      // Prepare
      const runner = new InMemoryRunner(wordCount);

      // Act
      await runner.runBatch(textRecords(['a b a', 'c']));
      await runner.runBatch(textRecords(['b'], { firstN: 2 }));

      // Assess
      expect(runner.printed).toEqual([
        '-------------------------------------------\nTime: 0 ms\n-------------------------------------------\n(a,2)\n(b,1)\n(c,1)\n',
        '-------------------------------------------\nTime: 1000 ms\n-------------------------------------------\n(b,1)\n',
      ]);
    });

    it('keeps running totals across batches with updateStateByKey', async () => {
      // Prepare
      const runner = new InMemoryRunner(statefulWordCount);

      // Act
      await runner.runBatch(textRecords(['to be or not to be']));
      await runner.runBatch(textRecords(['to see'], { firstN: 1 }));

      // Assess
      expect(Object.fromEntries(runner.stateOf('global-word-counts'))).toEqual({
        to: 3,
        be: 2,
        or: 1,
        not: 1,
        see: 1,
      });
      expect(runner.printed[1]).toContain('(to,3)\n(see,1)\n');
    });

    it('removes a key when the update function returns undefined', async () => {
      // Prepare
      const expiring = pipeline('expiring')
        .fromKinesis()
        .map((record) => decodeUtf8(record.value))
        .mapToPair((word) => [word, 1])
        .updateStateByKey<number>((values, state = 0) =>
          state + values.length >= 2 ? undefined : state + values.length,
        )
        .print();
      const runner = new InMemoryRunner(expiring);

      // Act
      await runner.runBatch(textRecords(['x', 'y']));
      await runner.runBatch(textRecords(['x'], { firstN: 2 }));

      // Assess
      expect(Object.fromEntries(runner.stateOf('updateStateByKey#0'))).toEqual({ y: 1 });
    });

    it('dead-letters an undecodable record and counts the rest exactly', async () => {
      // Prepare
      const runner = new InMemoryRunner(statefulWordCount);
      const records = [
        ...textRecords(['a b']),
        malformedRecord({ n: 1 }),
        ...textRecords(['a'], { firstN: 2 }),
      ];

      // Act
      await runner.runBatch(records);

      // Assess
      expect(Object.fromEntries(runner.stateOf('global-word-counts'))).toEqual({ a: 2, b: 1 });
      expect(runner.deadLetters).toHaveLength(1);
      expect(runner.deadLetters[0]).toMatchObject({ kind: 'record', stage: 'map#1', record: records[1] });
    });

    it('dead-letters the values of a key whose update function throws, and keeps the other keys', async () => {
      // Prepare
      const picky = pipeline('picky')
        .fromKinesis()
        .map((record) => decodeUtf8(record.value))
        .mapToPair((word) => [word, 1])
        .updateStateByKey<number>((values, state = 0) => {
          if (state + values.length > 1) throw new Error('too many');
          return state + values.length;
        })
        .print();
      const runner = new InMemoryRunner(picky);

      // Act
      await runner.runBatch(textRecords(['bad', 'bad', 'good']));

      // Assess
      expect(Object.fromEntries(runner.stateOf('updateStateByKey#0'))).toEqual({ good: 1 });
      expect(runner.deadLetters).toEqual([
        expect.objectContaining({ kind: 'element', value: ['bad', [1, 1]] }),
      ]);
    });

    it('gives foreachBatch the batch context', async () => {
      // Prepare
      const seen: Array<{ batchId: string; values: readonly string[] }> = [];
      const echo = pipeline('echo')
        .fromKinesis()
        .map((record) => decodeUtf8(record.value))
        .foreachBatch((values, context) => {
          seen.push({ batchId: context.batchId, values });
        });
      const runner = new InMemoryRunner(echo);

      // Act
      await runner.runBatch(textRecords(['a', 'b']));

      // Assess
      expect(seen).toEqual([{ batchId: 'shardId-000000000000/0', values: ['a', 'b'] }]);
    });
  });
});
