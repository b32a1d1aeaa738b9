import { InvalidConfigurationError } from '../../core';
import { TableSinkDefaults } from './constants';
import { compareSequences, prepareRows, setAsideRowsTooLarge, tableKeyId } from './table-rows';
import type { TableKey, TableRow, TableSink, UpsertOptions, UpsertResult } from './table-sink';

/** Options of {@link MemoryTableSink}. */
export interface MemoryTableSinkOptions {
  /**
   * The table's name, as dead-lettered rows name it.
   *
   * @default 'memory-table'
   */
  readonly tableName?: string;
  /**
   * The attribute name reserved for the sequence (validated as `DynamoDbTableSink` does).
   *
   * @default '_sequence'
   */
  readonly sequenceAttribute?: string;
}

/**
 * The in-memory twin of {@link DynamoDbTableSink}, for unit tests: the same validation, the same
 * "absent or lower sequence" rule (numbers numerically, strings by UTF-8 bytes, a number never
 * replacing a string or the reverse), the same counts, and DynamoDB's size limits where the row alone
 * tells them (a key attribute above 2,048 bytes, both of two above 1,024, an item above 400 KB: see
 * `rowLimitViolation`); it cannot tell which of two key attributes is the sort key, so it accepts a
 * sort key of 1,025 to 2,048 bytes that DynamoDB refuses. Rows are stored as given (deep copies).
 *
 * @example
 * const table = new MemoryTableSink();
 * await table.upsert([{ key: { pk: 'spark' }, attributes: { count: 4 }, sequence: 7 }]);
 * table.scan(); // [{ key: { pk: 'spark' }, attributes: { count: 4 }, sequence: 7 }]
 */
export class MemoryTableSink implements TableSink {
  private readonly rows = new Map<string, TableRow>();
  private readonly sequenceAttribute: string;
  private readonly tableName: string;

  public constructor(options: MemoryTableSinkOptions = {}) {
    this.tableName = options.tableName ?? 'memory-table';
    this.sequenceAttribute = options.sequenceAttribute ?? TableSinkDefaults.SEQUENCE_ATTRIBUTE;
    if (this.sequenceAttribute === '') {
      throw new InvalidConfigurationError('sequenceAttribute must not be empty (given "")');
    }
  }

  public async upsert(rows: readonly TableRow[], options: UpsertOptions = {}): Promise<UpsertResult> {
    const prepared = prepareRows(rows, this.sequenceAttribute);
    const writable = setAsideRowsTooLarge(prepared.rows, this.tableName, options.deadLetters);
    let written = 0;
    let skipped = prepared.duplicates;
    for (const { row, keyId } of writable.rows) {
      const stored = this.rows.get(keyId);
      if (stored === undefined || compareSequences(stored.sequence, row.sequence) === -1) {
        this.rows.set(keyId, structuredClone(row));
        written++;
      } else {
        skipped++;
      }
    }
    return { written, skipped, deadLettered: writable.deadLettered };
  }

  /** Every stored row (copies), ordered by key. */
  public scan(): TableRow[] {
    return [...this.rows.entries()]
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
      .map(([, row]) => structuredClone(row));
  }

  /** The stored row with `key` (a copy), if any. */
  public get(key: TableKey): TableRow | undefined {
    const row = this.rows.get(tableKeyId(key));
    return row === undefined ? undefined : structuredClone(row);
  }
}
