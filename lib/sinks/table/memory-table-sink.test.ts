import { describe, expect, it } from 'vitest';
import { ErrorCode } from '../../core';
import { MemoryTableSink } from './memory-table-sink';
import { tableSinkContract } from './table-sink.contract';

describe('Class: MemoryTableSink', () => {
  describe('Contract: TableSink', () => {
    tableSinkContract(async () => {
      const sink = new MemoryTableSink();
      return {
        sink,
        read: async () =>
          Object.fromEntries(
            sink
              .scan()
              .map((row) => [String(row.key.pk), { ...row.attributes, ...row.key, _sequence: row.sequence }]),
          ),
      };
    });
  });

  describe('Method: scan', () => {
    it('returns copies of the stored rows ordered by key, composite keys included', async () => {
      // Prepare
      const sink = new MemoryTableSink();
      const tags = new Set(['hot']);
      await sink.upsert([
        { key: { window: 'w2', rank: 1 }, attributes: { word: 'b', tags }, sequence: 1 },
        { key: { rank: 1, window: 'w1' }, attributes: { word: 'a' }, sequence: 1 },
      ]);
      tags.add('mutated');

      // Act
      const rows = sink.scan();
      Object.assign(rows[0]?.attributes ?? {}, { word: 'changed' });

      // Assess
      expect(rows.map((row) => row.key)).toEqual([
        { rank: 1, window: 'w1' },
        { window: 'w2', rank: 1 },
      ]);
      expect(sink.get({ window: 'w2', rank: 1 })?.attributes).toEqual({ word: 'b', tags: new Set(['hot']) });
      expect(sink.get({ rank: 1, window: 'w1' })?.attributes).toEqual({ word: 'a' });
    });
  });

  describe('Method: upsert', () => {
    it('compares string sequences by UTF-8 bytes, as DynamoDB does', async () => {
      // Prepare: U+FF5E sorts below U+1F600 in UTF-8 but above its surrogate pair in UTF-16.
      const sink = new MemoryTableSink();
      await sink.upsert([{ key: { pk: 'a' }, attributes: {}, sequence: '\uFF5E' }]);

      // Act
      const result = await sink.upsert([{ key: { pk: 'a' }, attributes: {}, sequence: '\u{1F600}' }]);

      // Assess
      expect(result).toEqual({ written: 1, skipped: 0, deadLettered: 0 });
    });

    it('honours a custom sequence attribute name', async () => {
      const sink = new MemoryTableSink({ sequenceAttribute: 'version' });

      const attempt = sink.upsert([{ key: { pk: 'a' }, attributes: { version: 3 }, sequence: 1 }]);

      await expect(attempt).rejects.toThrow(/"version" is reserved for the row's sequence/);
    });
  });

  describe('Method: constructor', () => {
    it('refuses an empty sequence attribute', () => {
      expect(() => new MemoryTableSink({ sequenceAttribute: '' })).toThrow(
        expect.objectContaining({ code: ErrorCode.InvalidConfiguration }),
      );
    });
  });
});
