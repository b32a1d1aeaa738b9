import { expect, it } from 'vitest';
import type { OutputDeadLetter } from '../../core';
import { TableSinkErrorCode } from './errors';
import type { TableRow, TableSink } from './table-sink';

/** What a contract run needs: a sink on an empty table with a string partition key `pk`, and a reader. */
export interface TableSinkUnderTest {
  readonly sink: TableSink;
  /** The stored rows as `pk` → attributes plus the sequence under `_sequence`. */
  readonly read: () => Promise<Record<string, Record<string, unknown>>>;
}

const row = (pk: string, count: number, sequence: string | number): TableRow => ({
  key: { pk },
  attributes: { count },
  sequence,
});

/** A stand-in for the `foreachBatch` context's dead-letter function: keeps what it is given. */
function deadLetterCollector() {
  const deadLetters: OutputDeadLetter[] = [];
  return {
    deadLetters,
    context: { deadLetter: (deadLetter: OutputDeadLetter) => void deadLetters.push(deadLetter) },
  };
}

/** A partition key of 3,000 bytes: above DynamoDB's 2,048-byte limit (issue 7's long word). */
const LONG_KEY = 'x'.repeat(3_000);

/**
 * The behaviour every {@link TableSink} shares, run against the memory twin and the DynamoDB
 * adapter alike. `make` gives a sink on a fresh, empty table for each case.
 */
export function tableSinkContract(make: () => Promise<TableSinkUnderTest>): void {
  it('writes absent rows', async () => {
    // Prepare
    const { sink, read } = await make();

    // Act
    const result = await sink.upsert([row('spark', 4, 1), row('flink', 2, 1)]);

    // Assess
    expect(result).toEqual({ written: 2, skipped: 0, deadLettered: 0 });
    expect(await read()).toEqual({
      spark: { pk: 'spark', count: 4, _sequence: 1 },
      flink: { pk: 'flink', count: 2, _sequence: 1 },
    });
  });

  it('writes nothing new when a batch is replayed', async () => {
    const { sink, read } = await make();
    await sink.upsert([row('spark', 4, 1), row('flink', 2, 1)]);
    const before = await read();

    const replay = await sink.upsert([row('spark', 4, 1), row('flink', 2, 1)]);

    expect(replay).toEqual({ written: 0, skipped: 2, deadLettered: 0 });
    expect(await read()).toEqual(before);
  });

  it('lets a newer sequence replace a row and never an older one', async () => {
    // Prepare
    const { sink, read } = await make();
    await sink.upsert([row('spark', 4, 5), row('flink', 2, 5)]);

    // Act
    const newer = await sink.upsert([row('spark', 9, 6)]);
    const older = await sink.upsert([row('flink', 1, 4)]);

    // Assess
    expect(newer).toEqual({ written: 1, skipped: 0, deadLettered: 0 });
    expect(older).toEqual({ written: 0, skipped: 1, deadLettered: 0 });
    expect(await read()).toEqual({
      spark: { pk: 'spark', count: 9, _sequence: 6 },
      flink: { pk: 'flink', count: 2, _sequence: 5 },
    });
  });

  it('compares string sequences byte-wise, so zero-padded numbers order correctly', async () => {
    const { sink, read } = await make();
    await sink.upsert([row('spark', 1, '009')]);

    const later = await sink.upsert([row('spark', 2, '010')]);
    const earlier = await sink.upsert([row('spark', 0, '001')]);

    expect([later, earlier]).toEqual([
      { written: 1, skipped: 0, deadLettered: 0 },
      { written: 0, skipped: 1, deadLettered: 0 },
    ]);
    expect((await read()).spark).toEqual({ pk: 'spark', count: 2, _sequence: '010' });
  });

  it('keeps the highest sequence of rows with the same key in one call', async () => {
    const { sink, read } = await make();

    const result = await sink.upsert([row('spark', 1, 1), row('spark', 3, 3), row('spark', 2, 2)]);

    expect(result).toEqual({ written: 1, skipped: 2, deadLettered: 0 });
    expect((await read()).spark).toEqual({ pk: 'spark', count: 3, _sequence: 3 });
  });

  it('never lets a sequence of the other type replace a row', async () => {
    const { sink, read } = await make();
    await sink.upsert([row('spark', 1, 7)]);

    const result = await sink.upsert([row('spark', 2, '8')]);

    expect(result).toEqual({ written: 0, skipped: 1, deadLettered: 0 });
    expect((await read()).spark).toEqual({ pk: 'spark', count: 1, _sequence: 7 });
  });

  it('writes many rows with bounded concurrency and counts each', async () => {
    const { sink, read } = await make();
    const rows = Array.from({ length: 60 }, (_, i) => row(`word-${i}`, i, 1));

    const first = await sink.upsert(rows);
    const second = await sink.upsert([
      ...rows.slice(0, 30),
      ...rows.slice(30).map((r) => ({ ...r, sequence: 2 })),
    ]);

    expect(first).toEqual({ written: 60, skipped: 0, deadLettered: 0 });
    expect(second).toEqual({ written: 30, skipped: 30, deadLettered: 0 });
    expect(Object.keys(await read())).toHaveLength(60);
  });

  it.each<[string, TableRow, RegExp]>([
    [
      'an attribute named like a key attribute',
      { key: { pk: 'a' }, attributes: { pk: 'b' }, sequence: 1 },
      /"pk" is also a key attribute/,
    ],
    [
      'an empty key value',
      { key: { pk: '' }, attributes: {}, sequence: 1 },
      /key attribute "pk" must be a non-empty string or a finite number/,
    ],
    ['no key attribute', { key: {}, attributes: {}, sequence: 1 }, /a key has 1 or 2 attributes \(given 0/],
    [
      'a non-finite sequence',
      { key: { pk: 'a' }, attributes: {}, sequence: Number.NaN },
      /sequence must be a non-empty string or a finite number/,
    ],
    [
      'the sequence attribute among the attributes',
      { key: { pk: 'a' }, attributes: { _sequence: 1 }, sequence: 1 },
      /"_sequence" is reserved/,
    ],
    [
      'a value DynamoDB cannot store',
      { key: { pk: 'a' }, attributes: { total: Number.POSITIVE_INFINITY }, sequence: 1 },
      /attribute total is Infinity/,
    ],
  ])('rejects %s before writing anything', async (_case, invalid, message) => {
    // Prepare
    const { sink, read } = await make();

    // Act
    const attempt = sink.upsert([row('first', 1, 1), invalid]);

    // Assess
    await expect(attempt).rejects.toMatchObject({ code: TableSinkErrorCode.InvalidRow, rowIndex: 1 });
    await expect(attempt).rejects.toThrow(message);
    expect(await read()).toEqual({});
  });

  it('dead-letters a row whose partition key is above 2,048 bytes with its content and reason, and writes the others', async () => {
    // Prepare: one key at the limit (fits), one above it
    const { sink, read } = await make();
    const atLimit = 'y'.repeat(2_048);
    const { deadLetters, context } = deadLetterCollector();

    // Act
    const result = await sink.upsert([row('spark', 1, 1), row(LONG_KEY, 7, 1), row(atLimit, 2, 1)], {
      deadLetters: context,
    });

    // Assess
    expect(result).toEqual({ written: 2, skipped: 0, deadLettered: 1 });
    expect(Object.keys(await read()).sort()).toEqual(['spark', atLimit]);
    expect(deadLetters).toHaveLength(1);
    expect(deadLetters[0]?.value).toMatchObject({
      key: { pk: LONG_KEY },
      item: { pk: LONG_KEY, count: 7, _sequence: 1 },
    });
    expect(deadLetters[0]?.error).toMatchObject({ code: TableSinkErrorCode.RowTooLarge, rowIndex: 1 });
    expect((deadLetters[0]?.error as Error).message).toMatch(
      /partition key of 3000 bytes, above DynamoDB's 2048 bytes/,
    );
  });

  it('dead-letters a row whose item is above 400 KB', async () => {
    const { sink, read } = await make();
    const { deadLetters, context } = deadLetterCollector();

    const result = await sink.upsert(
      [{ key: { pk: 'huge' }, attributes: { blob: 'z'.repeat(410_000) }, sequence: 1 }, row('spark', 1, 1)],
      { deadLetters: context },
    );

    expect(result).toEqual({ written: 1, skipped: 0, deadLettered: 1 });
    expect(Object.keys(await read())).toEqual(['spark']);
    expect(deadLetters.map((deadLetter) => (deadLetter.error as Error).message)).toEqual([
      expect.stringMatching(/item of 4\d{5} bytes .*, above DynamoDB's 409600 bytes/),
    ]);
  });

  it('names a dead-lettered row by its key, the same in every call, so a replay rewrites the same entry', async () => {
    const { sink } = await make();
    const { deadLetters, context } = deadLetterCollector();

    await sink.upsert([row(LONG_KEY, 1, 1), row(`${LONG_KEY}z`, 1, 1)], { deadLetters: context });
    await sink.upsert([row(LONG_KEY, 1, 1)], { deadLetters: context });

    const [first, other, replayed] = deadLetters.map((deadLetter) => deadLetter.key);
    expect(replayed).toBe(first);
    expect(other).not.toBe(first);
  });

  it('without a dead-letter target, refuses a row it can never hold before writing anything, naming the fix', async () => {
    // Prepare
    const { sink, read } = await make();

    // Act
    const attempt = sink.upsert([row('spark', 1, 1), row(LONG_KEY, 1, 1)]);

    // Assess
    await expect(attempt).rejects.toMatchObject({ code: TableSinkErrorCode.RowTooLarge, rowIndex: 1 });
    await expect(attempt).rejects.toThrow(/upsert\(rows, \{ deadLetters: context \}\)/);
    expect(await read()).toEqual({});
  });
}
