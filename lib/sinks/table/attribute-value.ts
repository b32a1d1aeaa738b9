import type { AttributeValue } from '@aws-sdk/client-dynamodb';

/**
 * Converts a JS value into a DynamoDB attribute value (wire form), or `undefined` for `undefined`
 * (the attribute is left out). Strings → `S`; finite numbers and bigints → `N`; booleans →
 * `BOOL`; `null` → `NULL`; `Uint8Array` → `B`; `Date` → `S` (ISO 8601); arrays → `L`
 * (`undefined` elements → `NULL`, as in JSON); plain objects and `Map`s with string keys → `M`;
 * non-empty `Set`s of strings, numbers or `Uint8Array`s → `SS` / `NS` / `BS`.
 *
 * `@aws-sdk/util-dynamodb` is not a dependency of Sparkless, hence this small marshaller.
 *
 * @throws TypeError naming the offending path (`count`, `tags[2]`, `meta.since`) for anything
 * else: non-finite numbers, empty or mixed sets, functions, symbols, class instances, cycles.
 *
 * @example
 * marshallValue({ count: 3, tags: new Set(['a']) }, 'row'); // { M: { count: { N: '3' }, tags: { SS: ['a'] } } }
 */
export function marshallValue(value: unknown, path: string): AttributeValue | undefined {
  return marshall(value, path, new Set());
}

/**
 * Marshals the properties of an object into item attributes (see {@link marshallValue}), leaving
 * out `undefined` ones.
 *
 * @throws TypeError naming the offending attribute path.
 */
export function marshallAttributes(
  attributes: Readonly<Record<string, unknown>>,
): Record<string, AttributeValue> {
  return marshallProperties(attributes, undefined, new Set());
}

function marshallProperties(
  properties: Readonly<Record<string, unknown>>,
  path: string | undefined,
  ancestors: Set<object>,
): Record<string, AttributeValue> {
  const out: Record<string, AttributeValue> = {};
  for (const [name, value] of Object.entries(properties)) {
    const marshalled = marshall(value, path === undefined ? name : `${path}.${name}`, ancestors);
    if (marshalled !== undefined) {
      // defineProperty, so that an attribute named "__proto__" stays an own attribute.
      Object.defineProperty(out, name, {
        value: marshalled,
        enumerable: true,
        writable: true,
        configurable: true,
      });
    }
  }
  return out;
}

function marshall(value: unknown, path: string, ancestors: Set<object>): AttributeValue | undefined {
  switch (typeof value) {
    case 'undefined':
      return undefined;
    case 'string':
      return { S: value };
    case 'boolean':
      return { BOOL: value };
    case 'bigint':
      return { N: value.toString() };
    case 'number':
      if (!Number.isFinite(value)) throw new TypeError(`${path} is ${value}, which DynamoDB cannot store`);
      return { N: String(value) };
    case 'object':
      return value === null ? { NULL: true } : marshallObject(value, path, ancestors);
    default:
      throw new TypeError(`${path} is a ${typeof value}, which DynamoDB cannot store`);
  }
}

function marshallObject(value: object, path: string, ancestors: Set<object>): AttributeValue {
  if (value instanceof Uint8Array) return { B: value };
  if (value instanceof Date) {
    if (Number.isNaN(value.getTime())) throw new TypeError(`${path} is an invalid Date`);
    return { S: value.toISOString() };
  }
  if (ancestors.has(value)) throw new TypeError(`${path} refers back to itself (a cycle)`);
  ancestors.add(value);
  try {
    if (Array.isArray(value)) {
      return {
        L: value.map((element, i) => marshall(element, `${path}[${i}]`, ancestors) ?? { NULL: true }),
      };
    }
    if (value instanceof Set) return marshallSet(value, path);
    if (value instanceof Map) {
      const entries: [string, unknown][] = [];
      for (const [key, element] of value) {
        if (typeof key !== 'string') throw new TypeError(`${path} is a Map with a non-string key`);
        entries.push([key, element]);
      }
      return { M: marshallProperties(Object.fromEntries(entries), path, ancestors) };
    }
    const prototype: unknown = Object.getPrototypeOf(value);
    if (prototype !== Object.prototype && prototype !== null) {
      throw new TypeError(`${path} is a ${value.constructor.name} instance, which DynamoDB cannot store`);
    }
    return { M: marshallProperties(value as Record<string, unknown>, path, ancestors) };
  } finally {
    ancestors.delete(value);
  }
}

function marshallSet(value: Set<unknown>, path: string): AttributeValue {
  const elements = [...value];
  if (elements.length === 0) throw new TypeError(`${path} is an empty Set, which DynamoDB cannot store`);
  if (elements.every((element): element is string => typeof element === 'string')) return { SS: elements };
  if (elements.every((element) => typeof element === 'bigint' || Number.isFinite(element))) {
    return { NS: elements.map((element) => String(element)) };
  }
  if (elements.every((element): element is Uint8Array => element instanceof Uint8Array))
    return { BS: elements };
  throw new TypeError(`${path} is a Set that is not all strings, all finite numbers or all binary`);
}
