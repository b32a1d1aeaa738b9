import { InvalidConfigurationError } from '../../core';
import { TableSinkDefaults } from './constants';
import { compareSequences, prepareRows, tableKeyId } from './table-rows';
import type { TableKey, TableRow, TableSink, UpsertResult } from './table-sink';

/** Options of {@link MemoryTableSink}. */
export interface MemoryTableSinkOptions {
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
 * replacing a string or the reverse), the same counts. Rows are stored as given (deep copies).
 *
 * @example
 * const table = new MemoryTableSink();
 * await table.upsert([{ key: { pk: 'spark' }, attributes: { count: 4 }, sequence: 7 }]);
 * table.scan(); // [{ key: { pk: 'spark' }, attributes: { count: 4 }, sequence: 7 }]
 */
export class MemoryTableSink implements TableSink {
  private readonly rows = new Map<string, TableRow>();
  private readonly sequenceAttribute: string;

  public constructor(options: MemoryTableSinkOptions = {}) {
    this.sequenceAttribute = options.sequenceAttribute ?? TableSinkDefaults.SEQUENCE_ATTRIBUTE;
    if (this.sequenceAttribute === '') {
      throw new InvalidConfigurationError('sequenceAttribute must not be empty (given "")');
    }
  }

  public async upsert(rows: readonly TableRow[]): Promise<UpsertResult> {
    const prepared = prepareRows(rows, this.sequenceAttribute);
    let written = 0;
    let skipped = prepared.duplicates;
    for (const { row, keyId } of prepared.rows) {
      const stored = this.rows.get(keyId);
      if (stored === undefined || compareSequences(stored.sequence, row.sequence) === -1) {
        this.rows.set(keyId, structuredClone(row));
        written++;
      } else {
        skipped++;
      }
    }
    return { written, skipped };
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
