import { describe, expect, it } from 'vitest';
import { createPersistWordCount } from '../../functions/pipelines/persist-word-count';
import { textRecords } from '../../test/factories/records';
import { WriteAheadLog } from '../checkpoint';
import { ErrorCode, type ForeachBatchContext, ManualClock, pipeline, type Pipeline } from '../core';
import { MemoryPartitionLedgerStore } from '../ledger';
import { MemoryMetricsSink } from '../metrics';
import { MemoryDeadLetterSink, MemoryTableSink, type TableSink } from '../sinks';
import { MemoryKeyedStateStore } from '../state';
import { MemoryObjectStore } from '../storage';
import { BatchExecutor } from './batch-executor';

const PARTITION = 'shardId-000000000000';
/** A word of 3,000 characters: a result-table key above DynamoDB's 2,048-byte partition key limit. */
const LONG_WORD = 'x'.repeat(3_000);

/** An executor over the in-memory stores for `make(table)`, and what each store holds. */
function world(make: (table: () => TableSink) => Pipeline) {
  const table = new MemoryTableSink({ tableName: 'word-counts' });
  const deadLetters = new MemoryDeadLetterSink();
  const metrics = new MemoryMetricsSink();
  const executor = new BatchExecutor({
    pipeline: make(() => table),
    namespace: 'pwc',
    state: new MemoryKeyedStateStore(),
    ledger: new MemoryPartitionLedgerStore(),
    writeAheadLog: new WriteAheadLog(new MemoryObjectStore(), 'pwc'),
    deadLetters,
    metrics,
    clock: new ManualClock(1_000),
    print: () => undefined,
  });
  const rows = () => Object.fromEntries(table.scan().map((row) => [row.key.word, row.attributes.count]));
  return { executor, table, deadLetters, metrics, rows };
}

describe('Feature: rows a result table can never hold are dead-lettered from foreachBatch', () => {
  it('dead-letters the row of a 3,000-character word with its content and reason, writes every other row, and commits', async () => {
    // Prepare: the persist-word-count seed over the table twin
    const { executor, deadLetters, metrics, rows } = world(createPersistWordCount);
    const records = textRecords(['to be', `or ${LONG_WORD} not`, 'to be']);

    // Act
    const result = await executor.processPartition(PARTITION, records);

    // Assess
    expect(result).toMatchObject({
      batchesCommitted: 1,
      committedOffset: records[2]?.offset,
      deadLetters: 1,
    });
    expect(rows()).toEqual({ to: 2, be: 2, or: 1, not: 1 });
    const entries = [...deadLetters.entries.values()];
    expect(entries).toHaveLength(1);
    expect(entries[0]).toMatchObject({
      kind: 'element',
      batchId: `${PARTITION}/0`,
      partition: PARTITION,
      stage: 'foreachBatch#0',
      errorCode: ErrorCode.RowTooLarge,
      value: { table: 'word-counts', key: { word: LONG_WORD }, item: { word: LONG_WORD, count: 1 } },
    });
    expect(entries[0]?.reason).toMatch(/partition key of 3000 bytes, above DynamoDB's 2048 bytes/);
    expect(entries[0]?.id.length).toBeLessThan(200);
    expect(metrics.batches.map((batch) => batch.deadLetters)).toEqual([1]);
  });

  it('names each dead letter by its batch and row key, so a replay in another order rewrites the same entries', async () => {
    // Prepare: the first attempt crashes right after its dead letters landed; the replay refuses the rows in reverse order
    let attempt = 0;
    const { executor, deadLetters } = world((table) =>
      pipeline('replayed')
        .fromKinesis()
        .foreachBatch(async (records, context) => {
          const ordered = attempt++ === 0 ? records : [...records].reverse();
          await table().upsert(
            ordered.map((record) => ({
              key: { word: `${record.key}${LONG_WORD}` },
              attributes: {},
              sequence: 1,
            })),
            { deadLetters: context },
          );
        }),
    );
    const sent: [string, unknown][] = [];
    const send = deadLetters.send.bind(deadLetters);
    let crashes = 1;
    deadLetters.send = async (entries) => {
      await send(entries);
      sent.push(...entries.map((entry): [string, unknown] => [entry.id, entry.value]));
      if (crashes-- > 0) throw new Error('crashed after writing the dead letters');
    };
    const records = textRecords(['a', 'b']);
    await expect(executor.processPartition(PARTITION, records)).rejects.toThrow('crashed after writing');

    // Act
    await executor.processPartition(PARTITION, records);

    // Assess: two attempts, two entries, each id always naming the same row
    expect(sent).toHaveLength(4);
    expect(deadLetters.entries.size).toBe(2);
    for (const [id, value] of sent) expect(deadLetters.entries.get(id)?.value).toEqual(value);
  });

  it('refuses a dead letter from output code that has already returned', async () => {
    // Prepare
    let kept: ForeachBatchContext | undefined;
    const { executor } = world(() =>
      pipeline('late-call')
        .fromKinesis()
        .foreachBatch((_records, context) => {
          kept = context;
        }),
    );
    await executor.processPartition(PARTITION, textRecords(['a']));

    // Act / Assess
    expect(() => kept?.deadLetter({ key: 'k', value: 1, error: new Error('too late') })).toThrow(
      expect.objectContaining({ code: ErrorCode.InvalidStateAccess }),
    );
  });
});
