import { createHash } from 'node:crypto';
import { MAX_READABLE_KEY_LENGTH, OBJECT_PARTITION_PREFIX } from './constants';

/** AWS's "safe characters" for object keys, which need no escaping in S3 keys nor DynamoDB keys. */
const SAFE_KEY = /^[A-Za-z0-9!_.*'()/-]+$/;
const UNSAFE_RUN = /[^A-Za-z0-9!_.*'()/-]+/g;
const SAFE_ETAG = /^[A-Za-z0-9-]{1,64}$/; // MAX_TAG_LENGTH
/** S3 version ids are 32 URL-safe characters; such ids are kept as they are in partition ids. */
const SAFE_VERSION_ID = /^[A-Za-z0-9._-]{1,64}$/; // MAX_TAG_LENGTH
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

/** Longest ETag or version id kept as it is in a partition id (longer or unusual ones become `~` and 32 hex digits). */
const MAX_TAG_LENGTH = 64;

/**
 * The longest id {@link objectPartition} gives, in characters (all ASCII, so bytes too): `s3:`, a
 * 512-character key, `#`, a 64-character ETag, `#`, a 64-character version id. The longest of every
 * source's partition ids (a Kinesis id takes at most 141): what names built from partition ids
 * (`saveAsTextFiles` objects, write-ahead log and dead-letter keys) must leave room for in S3's
 * 1,024-byte keys.
 */
export const MAX_PARTITION_ID_LENGTH =
  OBJECT_PARTITION_PREFIX.length + MAX_READABLE_KEY_LENGTH + 1 + MAX_TAG_LENGTH + 1 + MAX_TAG_LENGTH;

/** S3's version id of objects stored while versioning was never enabled or is suspended. */
const NULL_VERSION_ID = 'null';

/**
 * The version id a notification names, or `undefined` when the bucket is not versioned: no id, or
 * S3's `"null"` version (versioning suspended, or an object older than versioning), which a later
 * overwrite replaces in place, so it names no fixed content.
 */
export function effectiveVersionId(versionId: string | undefined): string | undefined {
  return versionId === undefined || versionId === '' || versionId === NULL_VERSION_ID ? undefined : versionId;
}

/**
 * The partition id of one object version: `s3:<key>#<etag>#<versionId>` in a versioned bucket,
 * `s3:<key>#<etag>` otherwise. Every version of every file is its own partition, whose offsets
 * are line numbers, so the ledger makes each version count exactly once: a re-delivered
 * notification is a no-op, a new version is a new file (in a versioned bucket even when its
 * content, hence its ETag, is the same as before).
 *
 * The id becomes part of DynamoDB keys and of S3 keys (write-ahead log, dead letters), so it is
 * kept to S3's safe characters and a bounded length: in a key with other characters, empty or dot
 * segments, or more than 512 characters, those are replaced by `_`, the result is cut to 200
 * characters and `~` plus 16 hex digits of the key's SHA-256 keep it unique (safe keys never
 * contain `~`, so the two forms cannot collide; the records' `key` still carries the real key).
 * An unusual ETag or version id is replaced by `~` and a hash of it.
 *
 * @example
 * objectPartition('input/a.txt', '"9b2cf535f27731c974343645a3985328"');
 * // => 's3:input/a.txt#9b2cf535f27731c974343645a3985328'
 * objectPartition('input/my file.txt', '9b2c…'); // => 's3:input/my_file.txt~<16 hex digits>#9b2c…'
 * objectPartition('input/a.txt', '9b2c…', '3HL4kqtJlcpXroDTDmjVBH40Nrjfkd'); // => 's3:input/a.txt#9b2c…#3HL4kqtJlcpXroDTDmjVBH40Nrjfkd'
 */
export function objectPartition(key: string, eTag: string, versionId?: string): string {
  const keyPart = isReadableKey(key) ? key : sanitizedKey(key);
  const version = effectiveVersionId(versionId);
  const versionPart = version === undefined ? '' : `#${safeTag(version, SAFE_VERSION_ID)}`;
  return `${OBJECT_PARTITION_PREFIX}${keyPart}#${safeTag(normalizeETag(eTag), SAFE_ETAG)}${versionPart}`;
}

/** An ETag or version id as it is when short and safe, else `~` and a hash of it. */
function safeTag(tag: string, safe: RegExp): string {
  return safe.test(tag) ? tag : `~${sha256(tag).slice(0, 32)}`;
}
