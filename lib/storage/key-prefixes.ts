/**
 * The key prefixes Sparkless itself writes in a pipeline's bucket: the write-ahead log (and the
 * reference data versions next to it), dead letters, late data, checkpoints, Lambda's on-failure
 * records and states too large for a DynamoDB item. Objects under them are never input, and `saveAsTextFiles` may not write there.
 */
export const SPARKLESS_KEY_PREFIXES: readonly string[] = [
  'wal/',
  'dead-letter/',
  'late-data/',
  'checkpoints/',
  'on-failure/',
  'state/',
];
