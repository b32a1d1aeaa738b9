import { createHash } from 'node:crypto';
import { MAX_READABLE_KEY_LENGTH, OBJECT_PARTITION_PREFIX } from './constants';

/** AWS's "safe characters" for object keys, which need no escaping in S3 keys nor DynamoDB keys. */
const SAFE_KEY = /^[A-Za-z0-9!_.*'()/-]+$/;
const UNSAFE_RUN = /[^A-Za-z0-9!_.*'()/-]+/g;
const SAFE_ETAG = /^[A-Za-z0-9-]{1,64}$/;
/** Characters of a sanitized key kept in front of its hash. */
const SANITIZED_KEY_LENGTH = 200;
/** Hex digits of the hash that keeps sanitized keys unique (64 bits). */
const KEY_HASH_LENGTH = 16;

/**
 * The ETag as S3 returns it in headers (`"9b2cf5…"`), without its quotes; event notifications
 * already carry it that way.
 */
export function normalizeETag(eTag: string): string {
  return eTag.trim().replace(/^"|"$/g, '');
}

const sha256 = (text: string): string => createHash('sha256').update(text, 'utf8').digest('hex');

const isDotOrEmpty = (segment: string): boolean => segment === '' || segment === '.' || segment === '..';

function isReadableKey(key: string): boolean {
  return key.length <= MAX_READABLE_KEY_LENGTH && SAFE_KEY.test(key) && !key.split('/').some(isDotOrEmpty);
}

/** The key with unsafe characters and dot segments replaced by `_`, cut short, then `~` and a hash of the real key. */
function sanitizedKey(key: string): string {
  const readable = key
    .replace(UNSAFE_RUN, '_')
    .split('/')
    .map((segment) => (isDotOrEmpty(segment) ? '_' : segment))
    .join('/')
    .slice(0, SANITIZED_KEY_LENGTH);
  return `${readable}~${sha256(key).slice(0, KEY_HASH_LENGTH)}`;
}

/**
 * The partition id of one object version: `s3:<key>#<etag>`. Every version of every file is its
 * own partition, whose offsets are line numbers, so the ledger makes each version count exactly
 * once: a re-delivered notification is a no-op, a new version (new ETag) is a new file.
 *
 * The id becomes part of DynamoDB keys and of S3 keys (write-ahead log, dead letters), so it is
 * kept to S3's safe characters and a bounded length: in a key with other characters, empty or dot
 * segments, or more than 512 characters, those are replaced by `_`, the result is cut to 200
 * characters and `~` plus 16 hex digits of the key's SHA-256 keep it unique (safe keys never
 * contain `~`, so the two forms cannot collide; the records' `key` still carries the real key).
 * An unusual ETag is replaced by `~` and a hash of it.
 *
 * @example
 * objectPartition('input/a.txt', '"9b2cf535f27731c974343645a3985328"');
 * // => 's3:input/a.txt#9b2cf535f27731c974343645a3985328'
 * objectPartition('input/my file.txt', '9b2c…'); // => 's3:input/my_file.txt~<16 hex digits>#9b2c…'
 */
export function objectPartition(key: string, eTag: string): string {
  const tag = normalizeETag(eTag);
  const keyPart = isReadableKey(key) ? key : sanitizedKey(key);
  const tagPart = SAFE_ETAG.test(tag) ? tag : `~${sha256(tag).slice(0, 32)}`;
  return `${OBJECT_PARTITION_PREFIX}${keyPart}#${tagPart}`;
}
