import { describe, expect, it } from 'vitest';
import { malformedRecord, textRecords } from '../../test/factories/records';
import { wordCountWorld } from '../../test/factories/word-count-world';
import { parseKinesisEvent } from '../sources';

describe('Class: BatchExecutor', () => {
  describe('Method: processPartition', () => {
    it('folds a batch into state and commits its last offset', async () => {
      // Prepare
      const world = wordCountWorld();
      const records = textRecords(['a b', 'a']);

      // Act
      const result = await world.executor.processPartition('shardId-000000000000', records);

      // Assess
      expect(await world.counts()).toEqual({ a: 2, b: 1 });
      expect(result).toMatchObject({
        batchesCommitted: 1,
        committedOffset: records[1]?.offset,
        skippedRecords: 0,
      });
      expect(world.batches.map((batch) => batch.context.batchId)).toEqual(['shardId-000000000000/0']);
    });

    it('skips a redelivered batch entirely', async () => {
      const world = wordCountWorld();
      const records = textRecords(['a b', 'a']);
      await world.executor.processPartition('shardId-000000000000', records);

      const again = await world.executor.processPartition('shardId-000000000000', records);

      expect(await world.counts()).toEqual({ a: 2, b: 1 });
      expect(again).toMatchObject({ batchesCommitted: 0, skippedRecords: 2 });
      expect(world.batches).toHaveLength(1);
    });

    it('finishes a failed batch from the write-ahead log with the same batch id, whatever Lambda redelivers', async () => {
      // Prepare: the sink fails on the first attempt of a 4-record batch
      const world = wordCountWorld({ failForeachBatchOnce: true });
      const records = textRecords(['a', 'b', 'c', 'd']);
      await expect(world.executor.processPartition('shardId-000000000000', records)).rejects.toThrow(
        'sink unavailable',
      );
      world.clock.advance(5_000);

      // Act: Lambda bisects and retries only the first half
      await world.executor.processPartition('shardId-000000000000', records.slice(0, 2));
      await world.executor.processPartition('shardId-000000000000', records.slice(2));

      // Assess: one batch with all four records, batch time of the claim, counted once
      expect(world.batches).toHaveLength(1);
      expect(world.batches[0]?.context).toMatchObject({
        batchId: 'shardId-000000000000/0',
        batchTime: 1_000,
      });
      expect(world.batches[0]?.words.map(([word]) => word)).toEqual(['a', 'b', 'c', 'd']);
      expect(await world.counts()).toEqual({ a: 1, b: 1, c: 1, d: 1 });
      expect(world.metrics.batches.map((batch) => batch.replayed)).toEqual([true]);
    });

    it('dead-letters a malformed record with its bytes and reason and counts the others exactly', async () => {
      // Prepare
      const world = wordCountWorld();
      const records = [
        ...textRecords(['a']),
        malformedRecord({ n: 1 }),
        ...textRecords(['a'], { firstN: 2 }),
      ];

      // Act
      const result = await world.executor.processPartition('shardId-000000000000', records);

      // Assess
      expect(await world.counts()).toEqual({ a: 2 });
      expect(result.deadLetters).toBe(1);
      const [entry] = world.deadLetters.entries.values();
      expect(entry).toMatchObject({
        kind: 'record',
        partition: 'shardId-000000000000',
        offset: records[1]?.offset,
        stage: 'map#1',
        errorCode: 'DECODE_FAILED',
        data: Buffer.from([0xff, 0xfe, 0xc3, 0x28]).toString('base64'),
      });
      expect(entry?.reason).toMatch(/not valid UTF-8/);
    });

    it('counts writes per distinct key touched', async () => {
      const world = wordCountWorld();

      await world.executor.processPartition('shardId-000000000000', textRecords(['a b c a b a']));

      expect(world.metrics.batches[0]).toMatchObject({ records: 1, stateWrites: 3, stateConflicts: 0 });
    });
  });

  describe('Method: deadLetterEnvelopes', () => {
    it('writes each malformed envelope under its id with its JSON, and counts them in metrics', async () => {
      // Prepare
      const world = wordCountWorld();
      const { malformed } = parseKinesisEvent({ Records: [{ eventID: 'no-colon' }, null] });

      // Act
      await world.executor.deadLetterEnvelopes(malformed);

      // Assess
      expect([...world.deadLetters.entries.keys()]).toEqual(malformed.map((envelope) => envelope.id));
      expect([...world.deadLetters.entries.values()]).toMatchObject([
        {
          kind: 'envelope',
          errorCode: 'MALFORMED_ENVELOPE',
          partition: 'unattributed',
          stage: 'source',
          batchId: '',
        },
        { kind: 'envelope', data: Buffer.from('null').toString('base64') },
      ]);
      expect(world.metrics.envelopes).toEqual([{ pipeline: 'word-count', time: 1_000, deadLetters: 2 }]);
    });
  });
});
