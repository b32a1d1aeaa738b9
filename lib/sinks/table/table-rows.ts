import type { AttributeValue } from '@aws-sdk/client-dynamodb';
import { marshallAttributes } from './attribute-value';
import { MAX_KEY_ATTRIBUTES } from './constants';
import { InvalidTableRowError } from './errors';
import type { TableKey, TableRow, TableSequence } from './table-sink';

/** A validated row, with its identity and its DynamoDB item. */
export interface PreparedRow {
  /** The row as given. */
  readonly row: TableRow;
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
  return { row, keyId: tableKeyId(row.key), item };
}

/** Sets an own attribute (also when it is named `__proto__`). */
function setAttribute(item: Record<string, AttributeValue>, name: string, value: AttributeValue): void {
  Object.defineProperty(item, name, { value, enumerable: true, writable: true, configurable: true });
}
