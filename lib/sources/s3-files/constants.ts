import { SPARKLESS_KEY_PREFIXES } from '../../storage/key-prefixes';
/** Defaults of the text-file source; each option's `@default` documents the same value. */
export const TextFileDefaults = {
  /** Lines per `processPartition` call: one batch (and one write-ahead log object) each. */
  LINES_PER_BATCH: 5_000,
  /** Line bytes per batch: a batch is cut earlier when its lines reach this many bytes. */
  BYTES_PER_BATCH: 4 * 1024 * 1024,
} as const;

/** Prefix of every partition id of the text-file source (`s3:<key>#<etag>[#<versionId>]`). */
export const OBJECT_PARTITION_PREFIX = 's3:';

/** Longest object key kept readable in a partition id; longer keys are hashed. */
export const MAX_READABLE_KEY_LENGTH = 512;

/**
 * Key prefixes Sparkless writes in its checkpoint bucket (`SPARKLESS_KEY_PREFIXES`). Objects under
 * them are never input, even when a misconfigured notification or poller delivers them (which would
 * feed the pipeline its own write-ahead log).
 */
export const INTERNAL_KEY_PREFIXES: readonly string[] = SPARKLESS_KEY_PREFIXES;

/** How many times a body that fails mid-way is resumed (ranged GetObject) before the object fails. */
export const MAX_BODY_RESUMES = 5;
