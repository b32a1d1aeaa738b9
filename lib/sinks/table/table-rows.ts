import type { AttributeValue } from '@aws-sdk/client-dynamodb';
import { utf8Length } from '../../core';
import { unmarshallItem } from '../../reference';
import { DynamoDbLimits, itemFits, itemSizeBytes } from '../../state';
import { marshallAttributes } from './attribute-value';
import { MAX_KEY_ATTRIBUTES } from './constants';
import { InvalidTableRowError, TableRowTooLargeError } from './errors';
import type { RowDeadLetters, TableKey, TableRow, TableSequence } from './table-sink';

/** A validated row, with its identity and its DynamoDB item. */
export interface PreparedRow {
  /** The row as given. */
  readonly row: TableRow;
  /** The row's index in the `upsert` call. */
  readonly index: number;
  /** Identity of its key (attribute names, types and values). */
  readonly keyId: string;
  /** The whole item: attributes, key and sequence. */
  readonly item: Record<string, AttributeValue>;
}

/** The rows of one `upsert` call to write: one per key. */
export interface PreparedRows {
  /** One row per key: the one with the highest sequence (the first of equals). */
  readonly rows: readonly PreparedRow[];
  /** Rows dropped because a row of the same call with the same key has a higher (or equal, earlier) sequence. */
  readonly duplicates: number;
}

/** Identity of a key: equal for equal attribute names, types and values, whatever the property order. */
export function tableKeyId(key: TableKey): string {
  return JSON.stringify(
    Object.keys(key)
      .sort()
      .map((name) => [name, typeof key[name], key[name]]),
  );
}

/**
 * Compares two sequences as DynamoDB's `<` does: numbers numerically, strings by UTF-8 bytes.
 * `undefined` when the types differ (DynamoDB evaluates such a comparison as false).
 */
export function compareSequences(a: TableSequence, b: TableSequence): number | undefined {
  if (typeof a === 'number' && typeof b === 'number') return Math.sign(a - b);
  if (typeof a === 'string' && typeof b === 'string') {
    return Buffer.compare(Buffer.from(a, 'utf8'), Buffer.from(b, 'utf8'));
  }
  return undefined;
}

/** The sequence as a DynamoDB attribute value. */
export function sequenceValue(sequence: TableSequence): AttributeValue {
  return typeof sequence === 'number' ? { N: String(sequence) } : { S: sequence };
}

/**
 * Validates every row (throwing before anything is written), builds their items, and keeps one
 * row per key: the highest sequence, as the conditional writes would leave it.
 *
 * @throws InvalidTableRowError naming the row index and what is wrong.
 */
export function prepareRows(rows: readonly TableRow[], sequenceAttribute: string): PreparedRows {
  const byKey = new Map<string, PreparedRow>();
  let duplicates = 0;
  rows.forEach((row, index) => {
    const prepared = prepareRow(row, index, sequenceAttribute);
    const other = byKey.get(prepared.keyId);
    if (other === undefined) {
      byKey.set(prepared.keyId, prepared);
      return;
    }
    duplicates++;
    if ((compareSequences(other.row.sequence, row.sequence) ?? 0) < 0) byKey.set(prepared.keyId, prepared);
  });
  return { rows: [...byKey.values()], duplicates };
}

function prepareRow(row: TableRow, index: number, sequenceAttribute: string): PreparedRow {
  const keyNames = Object.keys(row.key);
  if (keyNames.length === 0 || keyNames.length > MAX_KEY_ATTRIBUTES) {
    throw new InvalidTableRowError(
      index,
      `a key has 1 or ${MAX_KEY_ATTRIBUTES} attributes (given ${keyNames.length}: ${JSON.stringify(row.key)})`,
    );
  }
  let item: Record<string, AttributeValue>;
  try {
    item = marshallAttributes(row.attributes);
  } catch (error) {
    throw new InvalidTableRowError(
      index,
      `attribute ${error instanceof Error ? error.message : String(error)}`,
      {
        cause: error,
      },
    );
  }
  for (const name of keyNames) {
    const value = row.key[name];
    if (name === sequenceAttribute) {
      throw new InvalidTableRowError(
        index,
        `key attribute ${JSON.stringify(name)} is the sequence attribute`,
      );
    }
    if (Object.hasOwn(item, name)) {
      throw new InvalidTableRowError(index, `attribute ${JSON.stringify(name)} is also a key attribute`);
    }
    if (typeof value === 'string' && value !== '') setAttribute(item, name, { S: value });
    else if (typeof value === 'number' && Number.isFinite(value))
      setAttribute(item, name, { N: String(value) });
    else {
      throw new InvalidTableRowError(
        index,
        `key attribute ${JSON.stringify(name)} must be a non-empty string or a finite number (given ${JSON.stringify(value) ?? String(value)})`,
      );
    }
  }
  if (Object.hasOwn(item, sequenceAttribute)) {
    throw new InvalidTableRowError(
      index,
      `attribute ${JSON.stringify(sequenceAttribute)} is reserved for the row's sequence (rename it, or set the sink's sequenceAttribute)`,
    );
  }
  const { sequence } = row;
  const validSequence =
    (typeof sequence === 'string' && sequence !== '') ||
    (typeof sequence === 'number' && Number.isFinite(sequence));
  if (!validSequence) {
    throw new InvalidTableRowError(
      index,
      `sequence must be a non-empty string or a finite number (given ${JSON.stringify(sequence) ?? String(sequence)})`,
    );
  }
  setAttribute(item, sequenceAttribute, sequenceValue(sequence));
  return { row, index, keyId: tableKeyId(row.key), item };
}

/** Sets an own attribute (also when it is named `__proto__`). */
function setAttribute(item: Record<string, AttributeValue>, name: string, value: AttributeValue): void {
  Object.defineProperty(item, name, { value, enumerable: true, writable: true, configurable: true });
}

/**
 * Why DynamoDB can never hold `row`, or `undefined` when its size alone does not tell. DynamoDB's
 * limits: 2,048 bytes for a partition key, 1,024 for a sort key, 400 KB for the item (counted by
 * `itemSizeBytes`, DynamoDB's documented formula). Which attribute of a two-attribute key is the sort
 * key only the table knows, so such a key is refused here only when the limits refuse it either way
 * (an attribute above 2,048 bytes, or both above 1,024); otherwise DynamoDB's answer decides.
 */
export function rowLimitViolation(row: PreparedRow): string | undefined {
  const sizes = Object.entries(row.row.key).map(([name, value]) => ({
    name,
    bytes: typeof value === 'string' ? utf8Length(value) : 0,
  }));
  const [first, second] = sizes;
  if (first !== undefined && second === undefined && first.bytes > DynamoDbLimits.PARTITION_KEY_BYTES) {
    return `its partition key of ${first.bytes} bytes, above DynamoDB's ${DynamoDbLimits.PARTITION_KEY_BYTES} bytes`;
  }
  const tooLong = sizes.find(({ bytes }) => bytes > DynamoDbLimits.PARTITION_KEY_BYTES);
  if (tooLong !== undefined) {
    return `its key attribute ${JSON.stringify(tooLong.name)} of ${tooLong.bytes} bytes, above DynamoDB's ${DynamoDbLimits.PARTITION_KEY_BYTES} bytes for a partition key (and ${DynamoDbLimits.SORT_KEY_BYTES} for a sort key)`;
  }
  if (second !== undefined && sizes.every(({ bytes }) => bytes > DynamoDbLimits.SORT_KEY_BYTES)) {
    return `its key attributes ${JSON.stringify(first?.name)} and ${JSON.stringify(second.name)} take ${first?.bytes} and ${second.bytes} bytes, and the sort key may take ${DynamoDbLimits.SORT_KEY_BYTES}`;
  }
  if (!itemFits(row.item, DynamoDbLimits.ITEM_BYTES)) {
    return `an item of ${itemSizeBytes(row.item)} bytes (attribute names, key and sequence included), above DynamoDB's ${DynamoDbLimits.ITEM_BYTES} bytes`;
  }
  return undefined;
}

/**
 * Sets aside the rows whose size alone tells the table can never hold them ({@link rowLimitViolation}):
 * dead-letters them through `deadLetters` and returns the others.
 *
 * @throws TableRowTooLargeError for the first such row when there is no `deadLetters` target
 * (nothing is written then).
 */
export function setAsideRowsTooLarge(
  rows: readonly PreparedRow[],
  tableName: string,
  deadLetters: RowDeadLetters | undefined,
): { readonly rows: readonly PreparedRow[]; readonly deadLettered: number } {
  const kept: PreparedRow[] = [];
  let deadLettered = 0;
  for (const row of rows) {
    const violation = rowLimitViolation(row);
    if (violation === undefined) {
      kept.push(row);
      continue;
    }
    const error = new TableRowTooLargeError(tableName, { key: row.row.key, index: row.index }, violation, {
      deadLettered: deadLetters !== undefined,
    });
    if (deadLetters === undefined) throw error;
    deadLetterRow(deadLetters, tableName, row, error);
    deadLettered++;
  }
  return { rows: kept, deadLettered };
}

/**
 * Dead-letters one row: named after its table and key (so a replay rewrites the same entry), with the
 * table, the key and the item it would have been (as JSON: binaries base64, sets as arrays).
 */
export function deadLetterRow(
  deadLetters: RowDeadLetters,
  tableName: string,
  row: PreparedRow,
  error: TableRowTooLargeError,
): void {
  deadLetters.deadLetter({
    key: `table/${tableName}/${row.keyId}`,
    value: { table: tableName, key: row.row.key, item: unmarshallItem(row.item) },
    error,
  });
}
