/** Defaults of the text-file sink; each option's `@default` documents the same value. */
export const TextFileSinkDefaults = {
  /** Content type of the written objects. */
  CONTENT_TYPE: 'text/plain; charset=utf-8',
  /**
   * Key prefixes Sparkless itself writes in the pipeline's bucket (write-ahead log, dead letters,
   * checkpoints, Lambda's on-failure records): relative paths may not start with them.
   */
  RESERVED_KEY_PREFIXES: ['wal/', 'dead-letter/', 'checkpoints/', 'on-failure/'] as readonly string[],
} as const;

/** URL schemes that name an S3 location (`s3a://` and `s3n://` are Hadoop's, as Spark programs write them). */
export const S3_SCHEMES: readonly string[] = ['s3://', 's3a://', 's3n://'];

/** S3's longest object key, in UTF-8 bytes. */
export const MAX_KEY_BYTES = 1024;
