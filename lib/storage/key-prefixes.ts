/**
 * The key prefixes Sparkless itself writes in a pipeline's bucket: the write-ahead log (and the
 * reference data versions next to it), dead letters, late data, checkpoints and Lambda's on-failure
 * records. Objects under them are never input, and `saveAsTextFiles` may not write there.
 */
export const SPARKLESS_KEY_PREFIXES: readonly string[] = [
  'wal/',
  'dead-letter/',
  'late-data/',
  'checkpoints/',
  'on-failure/',
];
