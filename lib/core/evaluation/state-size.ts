import { StateTooLargeError } from '../errors';

/**
 * The largest state one key may have, in bytes of UTF-8 JSON with its key id: 16 MiB. States above
 * DynamoDB's 400 KB item limit are kept in S3 (the state item points to them); a fold that would
 * go past this maximum is not written: the key's values are dead-lettered with
 * `STATE_TOO_LARGE` and the batch moves on. 16 MiB keeps a batch of a few such keys, each read,
 * folded, serialized and written (several copies in memory at once), within a 1 GiB function.
 */
export const MAX_STATE_BYTES = 16 * 1024 * 1024;

/** How many characters of a key id an error message quotes. */
const KEY_PREVIEW_CHARS = 80;

/** The number of bytes of `text` in UTF-8 (without encoding it). */
export function utf8Length(text: string): number {
  let bytes = 0;
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (code < 0x80) bytes += 1;
    else if (code < 0x800) bytes += 2;
    else if (code >= 0xd800 && code <= 0xdbff && i + 1 < text.length) {
      // A surrogate pair: one 4-byte code point.
      bytes += 4;
      i++;
    } else bytes += 3;
  }
  return bytes;
}

/** A key id as error messages quote it: whole when short, else its start and its length. */
export function keyPreview(keyId: string): string {
  return keyId.length <= KEY_PREVIEW_CHARS
    ? keyId
    : `${keyId.slice(0, KEY_PREVIEW_CHARS)}… (${keyId.length} characters)`;
}

/**
 * The error for a state that would exceed `limitBytes` (default {@link MAX_STATE_BYTES}), or
 * `undefined` when it fits. The size counts the state's JSON and the key id, both of which the
 * stored item (or the object it points to) must hold.
 */
export function stateSizeError(
  operatorId: string,
  keyId: string,
  state: unknown,
  limitBytes = MAX_STATE_BYTES,
): StateTooLargeError | undefined {
  const json = state === undefined ? '' : (JSON.stringify(state) ?? '');
  // A character takes 1 to 3 bytes of UTF-8: count them only when the length alone cannot tell.
  const chars = json.length + keyId.length;
  if (chars * 3 <= limitBytes) return undefined;
  const bytes = utf8Length(json) + utf8Length(keyId);
  return bytes > limitBytes
    ? new StateTooLargeError(operatorId, keyPreview(keyId), bytes, limitBytes)
    : undefined;
}
