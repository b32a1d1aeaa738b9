import { InvalidObjectKeyError } from './errors';

/**
 * Decodes an object key as S3 event notifications carry it: URL-encoded, with `+` for a space
 * (`my+file%2B1.txt` is the key `my file+1.txt`).
 *
 * @throws {@link InvalidObjectKeyError} when the key is not valid URL encoding
 * @example
 * decodeS3EventKey('input/hamlet+act%2B1.txt'); // => 'input/hamlet act+1.txt'
 */
export function decodeS3EventKey(encodedKey: string): string {
  try {
    return decodeURIComponent(encodedKey.replace(/\+/g, ' '));
  } catch (error) {
    throw new InvalidObjectKeyError(encodedKey, error);
  }
}

/**
 * Encodes an object key the way S3 event notifications (and notification prefix filters) carry
 * it: URL-encoded, `/` kept, a space as `+`. The inverse of {@link decodeS3EventKey}.
 *
 * @example
 * encodeS3EventKey('input/hamlet act+1.txt'); // => 'input/hamlet+act%2B1.txt'
 */
export function encodeS3EventKey(key: string): string {
  return encodeURIComponent(key).replace(/%2F/gi, '/').replace(/%20/g, '+');
}

/** Why an object is or is not input of a text-file pipeline (see {@link classifyObjectKey}). */
export const ObjectKeyClass = {
  /** Under the prefix and a regular file: its lines are processed. */
  Input: 'input',
  /** Not under the pipeline's prefix. */
  OutsidePrefix: 'outside-prefix',
  /** A "folder" marker (a key ending with `/`). */
  DirectoryMarker: 'directory-marker',
  /** A hidden file (its name starts with `.`), which Spark's file stream ignores too. */
  HiddenFile: 'hidden-file',
} as const;

/** One of the {@link ObjectKeyClass} values. */
export type ObjectKeyClass = (typeof ObjectKeyClass)[keyof typeof ObjectKeyClass];

/**
 * Classifies a (decoded) object key for a pipeline reading `prefix`: input only when it is under
 * the prefix, not a folder marker and not a hidden file (Spark's `textFileStream` default filter
 * skips names starting with `.`, e.g. uploaders' temporary files).
 *
 * @example
 * classifyObjectKey('input/a.txt', 'input/'); // => 'input'
 * classifyObjectKey('input/.a.txt.tmp', 'input/'); // => 'hidden-file'
 */
export function classifyObjectKey(key: string, prefix: string): ObjectKeyClass {
  if (!key.startsWith(prefix)) return ObjectKeyClass.OutsidePrefix;
  if (key.endsWith('/')) return ObjectKeyClass.DirectoryMarker;
  const name = key.slice(key.lastIndexOf('/') + 1);
  if (name.startsWith('.')) return ObjectKeyClass.HiddenFile;
  return ObjectKeyClass.Input;
}
