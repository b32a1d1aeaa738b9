import { SPARKLESS_KEY_PREFIXES } from '../../storage/key-prefixes';

/** Defaults of the text-file sink; each option's `@default` documents the same value. */
export const TextFileSinkDefaults = {
  /** Content type of the written objects. */
  CONTENT_TYPE: 'text/plain; charset=utf-8',
  /** Key prefixes Sparkless itself writes in the pipeline's bucket: relative paths may not start with them. */
  RESERVED_KEY_PREFIXES: SPARKLESS_KEY_PREFIXES,
} as const;

/** URL schemes that name an S3 location (`s3a://` and `s3n://` are Hadoop's, as Spark programs write them). */
export const S3_SCHEMES: readonly string[] = ['s3://', 's3a://', 's3n://'];

/** S3's longest object key, in UTF-8 bytes. */
export const MAX_KEY_BYTES = 1024;
