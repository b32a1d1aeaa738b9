/** Defaults of the table sinks; each option's `@default` documents the same value. */
export const TableSinkDefaults = {
  /** The attribute that holds a row's sequence. */
  SEQUENCE_ATTRIBUTE: '_sequence',
  /** Conditional puts in flight at once. */
  CONCURRENCY: 16,
} as const;

/** DynamoDB keys have one (partition) or two (partition and sort) attributes. */
export const MAX_KEY_ATTRIBUTES = 2;
