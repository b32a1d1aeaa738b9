import { MAX_PARTITION_ID_LENGTH } from '../../sources/s3-files';
import { MAX_KEY_BYTES, S3_SCHEMES, TextFileSinkDefaults } from './constants';
import { InvalidTextFilePathError } from './errors';

/** Where a text file goes: a bucket and an object key. */
export interface TextFileLocation {
  /** The bucket. */
  readonly bucket: string;
  /** The object key. */
  readonly key: string;
}

/** Options of {@link parseTextFilePath}. */
export interface ParseTextFilePathOptions {
  /** The bucket of paths that are not `s3://` URLs (the pipeline's bucket). */
  readonly defaultBucket: string;
  /**
   * Key prefixes a relative path may not start with (so outputs cannot overwrite Sparkless' own objects).
   *
   * @default `TextFileSinkDefaults.RESERVED_KEY_PREFIXES` (`wal/`, `dead-letter/`, `late-data/`, `checkpoints/`, `on-failure/`)
   */
  readonly reservedKeyPrefixes?: readonly string[];
}

const BUCKET_NAME = /^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/;
const OTHER_SCHEME = /^[A-Za-z][A-Za-z0-9+.-]*:\/\//;

/**
 * Maps a `saveAsTextFiles` path to a bucket and key:
 *
 * - `s3://bucket/key` (also `s3a://`, `s3n://`): that bucket and key; the key must not be empty;
 * - any other path without a scheme: a key in `defaultBucket`, leading `/` removed (Spark examples
 *   write `/tmp/out`), not under a reserved prefix;
 * - another scheme (`hdfs://`, `file://`, ...): an error.
 *
 * @throws InvalidTextFilePathError (code `INVALID_TEXT_FILE_PATH`) naming what is wrong.
 *
 * @example
 * parseTextFilePath('s3://results/words-1000/part-0', { defaultBucket: 'pipeline' });
 * // => { bucket: 'results', key: 'words-1000/part-0' }
 * parseTextFilePath('out/words-1000/part-0', { defaultBucket: 'pipeline' });
 * // => { bucket: 'pipeline', key: 'out/words-1000/part-0' }
 */
export function parseTextFilePath(path: string, options: ParseTextFilePathOptions): TextFileLocation {
  const scheme = S3_SCHEMES.find((candidate) => path.toLowerCase().startsWith(candidate));
  if (scheme !== undefined) {
    const rest = path.slice(scheme.length);
    const slash = rest.indexOf('/');
    const bucket = slash < 0 ? rest : rest.slice(0, slash);
    const key = slash < 0 ? '' : rest.slice(slash + 1);
    if (bucket === '')
      throw new InvalidTextFilePathError(path, `has no bucket: write ${scheme}<bucket>/<key>`);
    if (!BUCKET_NAME.test(bucket)) {
      throw new InvalidTextFilePathError(
        path,
        `names bucket ${JSON.stringify(bucket)}, which is not a valid S3 bucket name (3-63 lowercase letters, digits, dots, hyphens)`,
      );
    }
    if (key === '')
      throw new InvalidTextFilePathError(path, `has no object key: write ${scheme}${bucket}/<key>`);
    return { bucket, key: checkedKey(path, key) };
  }
  if (OTHER_SCHEME.test(path)) {
    throw new InvalidTextFilePathError(
      path,
      `has a scheme other than ${S3_SCHEMES.join(', ')}: text files go to S3 (or to a key in the pipeline's bucket)`,
    );
  }
  const key = path.replace(/^\/+/, '');
  if (key === '') throw new InvalidTextFilePathError(path, 'is empty: give a key or an s3://bucket/key URL');
  const reserved = (options.reservedKeyPrefixes ?? TextFileSinkDefaults.RESERVED_KEY_PREFIXES).find(
    (prefix) => key.startsWith(prefix),
  );
  if (reserved !== undefined) {
    throw new InvalidTextFilePathError(
      path,
      `lies under ${JSON.stringify(reserved)}, where Sparkless keeps its own objects: choose another prefix`,
    );
  }
  return { bucket: options.defaultBucket, key: checkedKey(path, key) };
}

/** Digits of a batch time (epoch milliseconds) until the year 2286. */
const BATCH_TIME_DIGITS = 13;

/** What a batch appends to the prefix besides its suffix, at its longest: `-<batchTime>/part-<partition>`. */
const BATCH_NAME_BYTES = '-'.length + BATCH_TIME_DIGITS + '/part-'.length + MAX_PARTITION_ID_LENGTH;

/**
 * Checks a `saveAsTextFiles` prefix at deploy or cold-start time, before any batch runs. Spark
 * appends `-<batchTime>[.<suffix>]/part-<partition>` to the prefix, so an `s3://` prefix must
 * already contain a key part: `s3://bucket` would otherwise write to a bucket named
 * `bucket-<batchTime>`; and the prefix's key part must leave room in S3's 1,024-byte keys for the
 * longest partition id (`MAX_PARTITION_ID_LENGTH`, a file version's), or such a batch could never
 * write its object and would fail for good.
 *
 * @throws InvalidTextFilePathError when no batch could ever write under `prefix`.
 *
 * @example
 * pipeline.plan.textFilePrefixes.forEach((prefix) => validateTextFilePrefix(prefix, { defaultBucket }));
 */
export function validateTextFilePrefix(prefix: string, options: ParseTextFilePathOptions): void {
  const scheme = S3_SCHEMES.find((candidate) => prefix.toLowerCase().startsWith(candidate));
  if (scheme !== undefined && !prefix.slice(scheme.length).includes('/')) {
    throw new InvalidTextFilePathError(
      prefix,
      `has no key part: batches would write to buckets named "${prefix.slice(scheme.length)}-<batchTime>"; write ${scheme}<bucket>/<prefix>`,
    );
  }
  const probe = '-0/part-0';
  const prefixKeyBytes =
    Buffer.byteLength(parseTextFilePath(`${prefix}${probe}`, options).key) - probe.length;
  const room = MAX_KEY_BYTES - BATCH_NAME_BYTES;
  if (prefixKeyBytes > room) {
    throw new InvalidTextFilePathError(
      prefix,
      `has a key part of ${prefixKeyBytes} bytes: batches write <prefix>-<batchTime>[.<suffix>]/part-<partition>, partition ids take up to ${MAX_PARTITION_ID_LENGTH} bytes and S3 keys ${MAX_KEY_BYTES}, so the key part (with the suffix) may take at most ${room} bytes: shorten it`,
    );
  }
}

function checkedKey(path: string, key: string): string {
  const bytes = Buffer.byteLength(key, 'utf8');
  if (bytes > MAX_KEY_BYTES) {
    throw new InvalidTextFilePathError(
      path,
      `has an object key of ${bytes} bytes (S3 allows ${MAX_KEY_BYTES})`,
    );
  }
  return key;
}
