import type { AttributeValue } from '@aws-sdk/client-dynamodb';

/** A plain JSON value, as {@link unmarshallAttributeValue} returns. */
export type JsonValue = string | number | boolean | null | JsonValue[] | { [key: string]: JsonValue };

const INTEGER = /^-?\d+$/;

/**
 * Converts a DynamoDB number to a JS number, except integers outside the safe range, which
 * stay decimal strings so no digit is lost (`@aws-sdk/util-dynamodb` would throw instead).
 */
function toNumber(decimal: string): number | string {
  const value = Number(decimal);
  return INTEGER.test(decimal) && !Number.isSafeInteger(value) ? decimal : value;
}

function toBase64(bytes: Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('base64');
}

/**
 * Converts one DynamoDB attribute value (wire form) into plain JSON: `S` → string, `N` → number
 * (integers beyond `Number.MAX_SAFE_INTEGER` → decimal string), `BOOL` → boolean, `NULL` → null,
 * `B` → base64 string, `M` → object, `L` → array, `SS`/`NS`/`BS` → arrays.
 *
 * `@aws-sdk/util-dynamodb` is not a dependency of Sparkless, hence this small unmarshaller.
 *
 * @example
 * unmarshallAttributeValue({ M: { n: { N: '3' }, tags: { SS: ['a'] } } }); // { n: 3, tags: ['a'] }
 */
export function unmarshallAttributeValue(value: AttributeValue): JsonValue {
  if (value.S !== undefined) return value.S;
  if (value.N !== undefined) return toNumber(value.N);
  if (value.BOOL !== undefined) return value.BOOL;
  if (value.NULL !== undefined) return null;
  if (value.B !== undefined) return toBase64(value.B);
  if (value.M !== undefined) return unmarshallItem(value.M);
  if (value.L !== undefined) return value.L.map(unmarshallAttributeValue);
  if (value.SS !== undefined) return [...value.SS];
  if (value.NS !== undefined) return value.NS.map(toNumber);
  if (value.BS !== undefined) return value.BS.map(toBase64);
  throw new TypeError(`unsupported DynamoDB attribute value with fields ${Object.keys(value).join(', ')}`);
}

/** Converts a DynamoDB item (or `M` map) into a plain JSON object; see {@link unmarshallAttributeValue}. */
export function unmarshallItem(item: Readonly<Record<string, AttributeValue>>): { [key: string]: JsonValue } {
  // Object.fromEntries defines own properties, so a "__proto__" attribute stays an attribute.
  return Object.fromEntries(
    Object.entries(item).map(([name, value]) => [name, unmarshallAttributeValue(value)]),
  );
}
