import { describe, expect, it } from 'vitest';
import { textRecords } from '../../test/factories/records';
import { encodeOffsetKey, ErrorCode } from '../core';
import { MemoryObjectStore, putJson } from '../storage';
import { WriteAheadLog } from './write-ahead-log';

const inputs = () =>
  textRecords(['to be', 'or not']).map((record) => ({
    ...record,
    offsetKey: encodeOffsetKey(record.offset),
  }));

describe('Class: WriteAheadLog', () => {
  it('reads back a batch exactly: bytes, offsets, arrival times and reference versions', async () => {
    // Prepare
    const log = new WriteAheadLog(new MemoryObjectStore(), 'ns');
    const key = log.keyFor('shardId-000000000000', 3, '0561');

    // Act
    await log.write(key, inputs(), { blacklist: '0123456789abcdef' });

    // Assess
    expect(key).toBe('wal/ns/shardId-000000000000/000000000003-0561.json');
    expect(await log.read(key)).toEqual({ records: inputs(), references: { blacklist: '0123456789abcdef' } });
  });

  it('reads logs written before reference versions were recorded (a bare array of records)', async () => {
    // Prepare
    const store = new MemoryObjectStore();
    const log = new WriteAheadLog(store, 'ns');
    await log.write('current', inputs());
    const { records } = (await store
      .get('current')
      .then((body) => JSON.parse(new TextDecoder().decode(body)))) as {
      records: unknown[];
    };
    await putJson(store, 'legacy', records);

    // Act
    const legacy = await log.read('legacy');

    // Assess
    expect(legacy).toEqual({ records: inputs() });
  });

  it("records the committed offset a claim followed, and lists a partition's logs by batch number", async () => {
    // Prepare
    const log = new WriteAheadLog(new MemoryObjectStore(), 'ns');
    const first = log.keyFor('shard-a', 0, '0561');
    const second = log.keyFor('shard-a', 1, '0569');
    const lost = log.keyFor('shard-a', 1, '0565');

    // Act
    await log.write(first, inputs(), undefined, { after: undefined });
    await log.write(second, inputs(), undefined, { after: '0561' });
    await log.write(lost, inputs(), undefined, { after: '0561' });
    await log.write(log.keyFor('shard-ab', 0, '0562'), inputs());

    // Assess
    expect((await log.read(first)).after).toBeNull();
    expect((await log.read(second)).after).toBe('0561');
    expect(await log.list('shard-a')).toEqual([
      { key: first, batchNumber: 0, lastOffsetKey: '0561' },
      { key: lost, batchNumber: 1, lastOffsetKey: '0565' },
      { key: second, batchNumber: 1, lastOffsetKey: '0569' },
    ]);
  });

  it('fails with a coded error when the claimed log is missing', async () => {
    const log = new WriteAheadLog(new MemoryObjectStore(), 'ns');
    await expect(log.read('wal/ns/missing.json')).rejects.toMatchObject({
      code: ErrorCode.WriteAheadLogMissing,
    });
  });
});
