import { DecodeError } from '../errors';

const utf8 = new TextDecoder('utf-8', { fatal: true });

/**
 * Decodes UTF-8 bytes strictly: invalid bytes throw a {@link DecodeError}, so the record is
 * dead-lettered with its original bytes instead of being counted with replacement characters.
 */
export function decodeUtf8(bytes: Uint8Array): string {
  try {
    return utf8.decode(bytes);
  } catch (error) {
    throw new DecodeError('record value is not valid UTF-8', { cause: error });
  }
}

/** Decodes UTF-8 JSON strictly; invalid text or JSON throws a {@link DecodeError}. */
export function decodeJson<T = unknown>(bytes: Uint8Array): T {
  const text = decodeUtf8(bytes);
  try {
    return JSON.parse(text) as T;
  } catch (error) {
    throw new DecodeError('record value is not valid JSON', { cause: error });
  }
}
