/** Defaults of the reference data cache; each option's `@default` documents the same value. */
export const ReferenceDataDefaults = {
  /** After a failed refresh, milliseconds before the next attempt (capped by the reference's refresh interval). */
  RETRY_AFTER_FAILURE_MS: 5_000,
} as const;
