import type { AttributeValue } from '@aws-sdk/client-dynamodb';

/** Attribute names of Sparkless items in the state table (partition key `pk`, sort key `sk`). */
export const Attr = {
  pk: 'pk',
  sk: 'sk',
  version: 'v',
  state: 's',
  /** The full key id, on items addressed by a hash of it (see `StateItemStore`). */
  keyId: 'k',
  /** The S3 key of the object holding the state, on items whose state is too large to be inline. */
  object: 'o',
  marks: 'm',
  expiresAt: 'expiresAt',
  updatedAt: 'updatedAt',
} as const;

/** A DynamoDB item in wire form. */
export type Item = Record<string, AttributeValue>;

/** Reads a string attribute. */
export function readString(item: Item, name: string): string | undefined {
  return item[name]?.S;
}

/** Reads a number attribute as a JS number (only for small integers: versions, counters). */
export function readNumber(item: Item, name: string): number | undefined {
  const n = item[name]?.N;
  return n === undefined ? undefined : Number(n);
}

/** Reads a map of strings. */
export function readStringMap(item: Item, name: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [key, value] of Object.entries(item[name]?.M ?? {}))
    if (value.S !== undefined) out[key] = value.S;
  return out;
}

/** Writes a map of strings. */
export function stringMap(values: Readonly<Record<string, string>>): AttributeValue {
  return { M: Object.fromEntries(Object.entries(values).map(([key, value]) => [key, { S: value }])) };
}

/** True when `error` is DynamoDB's failed-condition error. */
export function isConditionalCheckFailed(error: unknown): error is { name: string; Item?: Item } {
  return (error as { name?: string } | undefined)?.name === 'ConditionalCheckFailedException';
}
