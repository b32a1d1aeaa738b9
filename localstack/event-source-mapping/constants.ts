/**
 * Defaults and limits of a Kinesis event source mapping, as documented for AWS Lambda
 * ("Lambda parameters for Amazon Kinesis Data Streams event source mappings").
 */
export const EsmDefaults = {
  batchSize: 100,
  maximumBatchingWindowInSeconds: 0,
  maximumRetryAttempts: -1,
  maximumRecordAgeInSeconds: -1,
  functionTimeoutMs: 30_000,
  pollIntervalMs: 200,
  retryBackoffInitialMs: 1_000,
  retryBackoffMaxMs: 60_000,
  shardDiscoveryIntervalMs: 5_000,
  accountId: '000000000000',
  region: 'us-east-1',
  functionName: 'local-function',
  idlePolls: 2,
} as const;

/** Validation ranges (inclusive) of the mapping's numeric settings. */
export const EsmLimits = {
  batchSize: { min: 1, max: 10_000 },
  maximumBatchingWindowInSeconds: { min: 0, max: 300 },
  maximumRetryAttempts: { min: 0, max: 10_000 },
  maximumRecordAgeInSeconds: { min: 60, max: 604_800 },
  functionTimeoutMs: { min: 1, max: 900_000 },
  /** Synchronous invocation payload limit: the serialized event must not exceed 6 MB. */
  payloadBytes: 6 * 1024 * 1024,
} as const;

/** `-1` means "infinite" for `maximumRetryAttempts` and `maximumRecordAgeInSeconds`. */
export const INFINITE = -1;

/** Constant fields Lambda puts on every Kinesis event record. */
export const KinesisEventConstants = {
  eventSource: 'aws:kinesis',
  eventVersion: '1.0',
  eventName: 'aws:kinesis:record',
  kinesisSchemaVersion: '1.0',
} as const;

/** Constant fields of the invocation record sent to an on-failure destination. */
export const InvocationRecordConstants = {
  version: '1.0',
  statusCode: 200,
  executedVersion: '$LATEST',
  functionError: 'Unhandled',
} as const;
