import { type CheckpointStore, InMemoryCheckpointStore } from './checkpoint-store';
import { type Clock, systemClock } from './clock';
import { EsmDefaults, EsmLimits, INFINITE } from './constants';
import { InvalidEventSourceMappingConfigError } from './errors';
import {
  type KinesisBatchHandler,
  type KinesisClientPort,
  type KinesisEventSourceMappingProps,
  type OnFailureDestination,
  StartingPosition,
} from './types';

/** The validated settings with every default applied. */
export interface ResolvedConfig {
  readonly kinesis: KinesisClientPort;
  readonly handler: KinesisBatchHandler;
  readonly streamName: string;
  readonly streamArn: string;
  readonly region: string;
  readonly accountId: string;
  readonly functionName: string;
  readonly functionArn: string;
  readonly invokeIdentityArn: string;
  readonly mappingId: string;
  readonly batchSize: number;
  readonly batchingWindowMs: number;
  readonly startingPosition: StartingPosition;
  readonly startingPositionTimestamp: Date | undefined;
  readonly bisectBatchOnFunctionError: boolean;
  /** -1 = infinite. */
  readonly maximumRetryAttempts: number;
  /** -1 = infinite. */
  readonly maximumRecordAgeMs: number;
  readonly reportBatchItemFailures: boolean;
  readonly functionTimeoutMs: number;
  readonly onFailure: OnFailureDestination | undefined;
  readonly checkpointStore: CheckpointStore;
  readonly pollIntervalMs: number;
  readonly retryBackoffInitialMs: number;
  readonly retryBackoffMaxMs: number;
  readonly shardDiscoveryIntervalMs: number;
  readonly clock: Clock;
  readonly onError: ((error: unknown) => void) | undefined;
}

const STREAM_ARN = /^arn:[\w-]+:kinesis:([\w-]+):(\d{12}):stream\/([\w.-]+)$/;

/**
 * Validates the props the way `CreateEventSourceMapping` does and fills in the defaults.
 * @throws InvalidEventSourceMappingConfigError naming the property and echoing the value
 */
export function resolveConfig(props: KinesisEventSourceMappingProps): ResolvedConfig {
  if (typeof props.streamName !== 'string' || props.streamName === '') {
    throw new InvalidEventSourceMappingConfigError(
      'streamName',
      props.streamName,
      'must be a non-empty string',
    );
  }
  const arnParts =
    props.streamArn === undefined ? undefined : parseStreamArn(props.streamArn, props.streamName);
  const region = props.region ?? arnParts?.region ?? EsmDefaults.region;
  const accountId = props.accountId ?? arnParts?.accountId ?? EsmDefaults.accountId;
  const streamArn = props.streamArn ?? `arn:aws:kinesis:${region}:${accountId}:stream/${props.streamName}`;
  const functionName = props.functionName ?? EsmDefaults.functionName;
  if (functionName === '') {
    throw new InvalidEventSourceMappingConfigError(
      'functionName',
      functionName,
      'must be a non-empty string',
    );
  }

  const batchSize = integerInRange(
    'batchSize',
    props.batchSize ?? EsmDefaults.batchSize,
    EsmLimits.batchSize,
  );
  const batchingWindowSeconds = integerInRange(
    'maximumBatchingWindowInSeconds',
    props.maximumBatchingWindowInSeconds ?? EsmDefaults.maximumBatchingWindowInSeconds,
    EsmLimits.maximumBatchingWindowInSeconds,
  );
  const maximumRetryAttempts = integerInRangeOrInfinite(
    'maximumRetryAttempts',
    props.maximumRetryAttempts ?? EsmDefaults.maximumRetryAttempts,
    EsmLimits.maximumRetryAttempts,
  );
  const maximumRecordAgeInSeconds = integerInRangeOrInfinite(
    'maximumRecordAgeInSeconds',
    props.maximumRecordAgeInSeconds ?? EsmDefaults.maximumRecordAgeInSeconds,
    EsmLimits.maximumRecordAgeInSeconds,
  );
  const functionTimeoutMs = integerInRange(
    'functionTimeoutMs',
    props.functionTimeoutMs ?? EsmDefaults.functionTimeoutMs,
    EsmLimits.functionTimeoutMs,
  );
  const pollIntervalMs = nonNegative('pollIntervalMs', props.pollIntervalMs ?? EsmDefaults.pollIntervalMs);
  const retryBackoffInitialMs = nonNegative(
    'retryBackoffInitialMs',
    props.retryBackoffInitialMs ?? EsmDefaults.retryBackoffInitialMs,
  );
  const retryBackoffMaxMs = nonNegative(
    'retryBackoffMaxMs',
    props.retryBackoffMaxMs ?? Math.max(EsmDefaults.retryBackoffMaxMs, retryBackoffInitialMs),
  );
  if (retryBackoffMaxMs < retryBackoffInitialMs) {
    throw new InvalidEventSourceMappingConfigError(
      'retryBackoffMaxMs',
      retryBackoffMaxMs,
      `must be at least retryBackoffInitialMs (${retryBackoffInitialMs})`,
    );
  }
  const shardDiscoveryIntervalMs = nonNegative(
    'shardDiscoveryIntervalMs',
    props.shardDiscoveryIntervalMs ?? EsmDefaults.shardDiscoveryIntervalMs,
  );

  const startingPosition = props.startingPosition ?? StartingPosition.TRIM_HORIZON;
  if (!Object.values(StartingPosition).includes(startingPosition)) {
    throw new InvalidEventSourceMappingConfigError(
      'startingPosition',
      startingPosition,
      `must be one of ${Object.values(StartingPosition).join(', ')}`,
    );
  }
  const timestamp = props.startingPositionTimestamp;
  if (startingPosition === StartingPosition.AT_TIMESTAMP) {
    if (!(timestamp instanceof Date) || Number.isNaN(timestamp.getTime())) {
      throw new InvalidEventSourceMappingConfigError(
        'startingPositionTimestamp',
        timestamp,
        'must be a valid Date when startingPosition is AT_TIMESTAMP',
      );
    }
  } else if (timestamp !== undefined) {
    throw new InvalidEventSourceMappingConfigError(
      'startingPositionTimestamp',
      timestamp,
      `can only be used when startingPosition is AT_TIMESTAMP (startingPosition is ${startingPosition})`,
    );
  }

  return {
    kinesis: props.kinesis,
    handler: props.handler,
    streamName: props.streamName,
    streamArn,
    region,
    accountId,
    functionName,
    functionArn: `arn:aws:lambda:${region}:${accountId}:function:${functionName}`,
    invokeIdentityArn: props.invokeIdentityArn ?? `arn:aws:iam::${accountId}:role/${functionName}-role`,
    mappingId: props.mappingId ?? `${functionName}:${streamArn}`,
    batchSize,
    batchingWindowMs: batchingWindowSeconds * 1000,
    startingPosition,
    startingPositionTimestamp: timestamp,
    bisectBatchOnFunctionError: props.bisectBatchOnFunctionError ?? false,
    maximumRetryAttempts,
    maximumRecordAgeMs: maximumRecordAgeInSeconds === INFINITE ? INFINITE : maximumRecordAgeInSeconds * 1000,
    reportBatchItemFailures: props.reportBatchItemFailures ?? false,
    functionTimeoutMs,
    onFailure: props.onFailure,
    checkpointStore: props.checkpointStore ?? new InMemoryCheckpointStore(),
    pollIntervalMs,
    retryBackoffInitialMs,
    retryBackoffMaxMs,
    shardDiscoveryIntervalMs,
    clock: props.clock ?? systemClock,
    onError: props.onError,
  };
}

/** The wait before retry number `failures` (1-based) of a shard: the initial wait, doubled per failure, capped. */
export function retryBackoffMs(config: ResolvedConfig, failures: number): number {
  if (failures <= 0) return 0;
  return Math.min(config.retryBackoffInitialMs * 2 ** Math.min(failures - 1, 30), config.retryBackoffMaxMs);
}

function parseStreamArn(arn: string, streamName: string): { region: string; accountId: string } {
  const match = STREAM_ARN.exec(arn);
  if (match === null) {
    throw new InvalidEventSourceMappingConfigError(
      'streamArn',
      arn,
      'must look like arn:aws:kinesis:<region>:<12-digit account>:stream/<name>',
    );
  }
  const [, region = '', accountId = '', name] = match;
  if (name !== streamName) {
    throw new InvalidEventSourceMappingConfigError('streamArn', arn, `must name the stream ${streamName}`);
  }
  return { region, accountId };
}

function integerInRange(property: string, value: number, range: { min: number; max: number }): number {
  requireInteger(property, value);
  if (value < range.min || value > range.max) {
    throw new InvalidEventSourceMappingConfigError(
      property,
      value,
      `must be between ${range.min} and ${range.max} inclusive`,
    );
  }
  return value;
}

function integerInRangeOrInfinite(
  property: string,
  value: number,
  range: { min: number; max: number },
): number {
  requireInteger(property, value);
  if (value !== INFINITE && (value < range.min || value > range.max)) {
    throw new InvalidEventSourceMappingConfigError(
      property,
      value,
      `must be -1 (infinite) or between ${range.min} and ${range.max} inclusive`,
    );
  }
  return value;
}

function requireInteger(property: string, value: number): void {
  if (!Number.isInteger(value)) {
    throw new InvalidEventSourceMappingConfigError(property, value, 'must be an integer');
  }
}

function nonNegative(property: string, value: number): number {
  if (!Number.isFinite(value) || value < 0) {
    throw new InvalidEventSourceMappingConfigError(property, value, 'must be a finite number >= 0');
  }
  return value;
}
