import { ErrorCode, SparklessError } from '../errors';

/**
 * The canonical string form of a key, used as its identity in groups and in the state
 * store: JSON, so `'1'` and `1` stay distinct keys and tuple keys work.
 */
export function encodeKey(key: unknown): string {
  const encoded = typeof key === 'string' ? JSON.stringify(key) : safeStringify(key);
  if (encoded === undefined) {
    throw new SparklessError(
      ErrorCode.InvalidKey,
      `keys must be JSON values such as strings, numbers or arrays of them (given ${typeof key})`,
    );
  }
  return encoded;
}

/** Inverse of {@link encodeKey}. */
export function decodeKey(keyId: string): unknown {
  return JSON.parse(keyId);
}

function safeStringify(value: unknown): string | undefined {
  if (typeof value === 'function' || typeof value === 'symbol' || typeof value === 'bigint') return undefined;
  return JSON.stringify(value);
}

/** Splits a pair element, or throws a clear error when user code produced something else. */
export function asPair(value: unknown, stage: string): readonly [unknown, unknown] {
  if (Array.isArray(value) && value.length === 2) return value as unknown as readonly [unknown, unknown];
  throw new SparklessError(
    ErrorCode.InvalidKey,
    `${stage} expects [key, value] pairs (given ${JSON.stringify(value) ?? typeof value})`,
  );
}
