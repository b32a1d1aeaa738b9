import { Duration, Token } from 'aws-cdk-lib';
import * as kinesis from 'aws-cdk-lib/aws-kinesis';
import type { SourceDescriptor } from '../../lib/core/pipeline/pipeline';
import type { ReferenceDescriptor } from '../../lib/core/plan/types';
import { PIPELINE_BUCKET } from '../../lib/core/reference/reference-data';
import { TextFileSinkDefaults } from '../../lib/sinks/text-files/constants';
import { InvalidTextFilePathError } from '../../lib/sinks/text-files/errors';
import { validateTextFilePrefix } from '../../lib/sinks/text-files/text-file-path';
import { SparklessEnvironment, StreamingPipelineDefaults, StreamingPipelineLimits } from './constants';
import { StreamingPipelineErrorCode, StreamingPipelineValidationError } from './errors';
import { FailurePolicy, failurePolicyName, resolveFailurePolicy } from './failure-policy';
import { isExistingTable } from './result-table';
import type { KinesisSourceProps, StreamingPipelineProps, TextFilesSourceProps } from './types';

interface Check {
  readonly code: StreamingPipelineErrorCode;
  readonly property: string;
  readonly given: string;
  readonly problem: string;
  readonly fix: string;
}

const RESERVED_VARIABLES: ReadonlySet<string> = new Set(Object.values(SparklessEnvironment));

const isResolvedNumber = (value: number | undefined): value is number =>
  value !== undefined && !Token.isUnresolved(value);

const isResolvedDuration = (value: Duration | undefined): value is Duration =>
  value !== undefined && !value.isUnresolved();

const seconds = (duration: Duration): number => duration.toMilliseconds({ integral: false }) / 1000;

const inRange = (value: number, range: { readonly min: number; readonly max: number }): boolean =>
  Number.isInteger(value) && value >= range.min && value <= range.max;

function integerRange(
  property: string,
  value: number | undefined,
  range: { readonly min: number; readonly max: number },
  code: StreamingPipelineErrorCode,
  fix: string,
): Check | undefined {
  if (!isResolvedNumber(value) || inRange(value, range)) return undefined;
  return {
    code,
    property,
    given: String(value),
    problem: `must be a whole number between ${range.min} and ${range.max} inclusive`,
    fix,
  };
}

function durationRange(
  property: string,
  value: Duration | undefined,
  range: { readonly min: number; readonly max: number },
  code: StreamingPipelineErrorCode,
  fix: string,
): Check | undefined {
  if (!isResolvedDuration(value)) return undefined;
  const given = seconds(value);
  if (given >= range.min && given <= range.max) return undefined;
  return {
    code,
    property,
    given: value.toHumanString(),
    problem: `must be between ${range.min} and ${range.max} seconds inclusive`,
    fix,
  };
}

function name(
  property: string,
  value: string | undefined,
  code: StreamingPipelineErrorCode,
): Check | undefined {
  if (value === undefined || Token.isUnresolved(value) || StreamingPipelineLimits.NAME_PATTERN.test(value)) {
    return undefined;
  }
  return {
    code,
    property,
    given: JSON.stringify(value),
    problem: 'must be 1 to 64 letters, digits, "-" or "_", starting with a letter or digit',
    fix: `Rename it, e.g. ${JSON.stringify(suggestName(value))}; it is used in resource names and state keys.`,
  };
}

function suggestName(value: string): string {
  const cleaned = value
    .replace(/[^A-Za-z0-9_-]+/g, '-')
    .replace(/^[-_]+/, '')
    .slice(0, 64);
  return cleaned === '' ? 'my-pipeline' : cleaned;
}

/** A prop that belongs to one source only, and what to use for the other source instead, if anything. */
interface SourceOnlyProp<P> {
  readonly prop: keyof P & string;
  readonly instead?: string;
}

const KINESIS_ONLY_PROPS: ReadonlyArray<SourceOnlyProp<KinesisSourceProps>> = [
  { prop: 'stream', instead: 'inputBucket' },
  { prop: 'streamProps' },
  { prop: 'startingPosition' },
  { prop: 'startingPositionTimestamp' },
  { prop: 'batchSize' },
  { prop: 'maxBatchingWindow' },
  { prop: 'retryAttempts', instead: 'asyncRetryAttempts (0 to 2)' },
  { prop: 'maxRecordAge', instead: 'maxEventAge' },
  { prop: 'parallelizationFactor' },
  { prop: 'iteratorAgeAlarmThreshold' },
];

const TEXT_FILES_ONLY_PROPS: ReadonlyArray<SourceOnlyProp<TextFilesSourceProps>> = [
  { prop: 'inputBucket', instead: 'stream or streamProps' },
  { prop: 'asyncRetryAttempts', instead: 'retryAttempts' },
  { prop: 'maxEventAge', instead: 'maxRecordAge' },
];

/** A prop value rendered for a message. */
function describeGiven(value: unknown): string {
  if (value instanceof Duration) return value.isUnresolved() ? 'a token' : value.toHumanString();
  if (typeof value === 'number') return Token.isUnresolved(value) ? 'a token' : String(value);
  if (typeof value === 'string') return Token.isUnresolved(value) ? 'a token' : JSON.stringify(value);
  const path = (value as { node?: { path?: unknown } } | null)?.node?.path;
  if (typeof path === 'string') return `the construct ${path}`;
  return typeof value === 'object' && value !== null ? 'an object' : String(value);
}

function describeSource(source: SourceDescriptor): string {
  return source.kind === 'text-files'
    ? `text files under ${JSON.stringify(source.prefix)}`
    : 'a Kinesis stream';
}

/** Props of the other source, given anyway. */
function foreignProps(props: StreamingPipelineProps): Check[] {
  const source = props.plan.source;
  const kinesis = source.kind === 'kinesis';
  const foreign: ReadonlyArray<SourceOnlyProp<StreamingPipelineProps>> = kinesis
    ? TEXT_FILES_ONLY_PROPS
    : KINESIS_ONLY_PROPS;
  return foreign
    .filter(({ prop }) => props[prop] !== undefined)
    .map(({ prop, instead }) => ({
      code: kinesis
        ? StreamingPipelineErrorCode.TEXT_FILES_PROP_FOR_KINESIS
        : StreamingPipelineErrorCode.KINESIS_PROP_FOR_TEXT_FILES,
      property: prop,
      given: describeGiven(props[prop]),
      problem: `applies to ${kinesis ? 'text-file' : 'Kinesis'} pipelines only, but plan.source is ${describeSource(source)}`,
      fix:
        `Remove ${prop}${instead === undefined ? '' : ` (use ${instead} for this source)`}, or build the pipeline with ` +
        `${kinesis ? 'fromTextFiles({ prefix })' : 'fromKinesis()'} if it should read ${kinesis ? 'text files' : 'a stream'}.`,
    }));
}

function sameBucket(props: StreamingPipelineProps): boolean {
  const { inputBucket, checkpointBucket } = props;
  if (inputBucket === undefined || checkpointBucket === undefined) return false;
  if (inputBucket === checkpointBucket) return true;
  const [a, b] = [inputBucket.bucketName, checkpointBucket.bucketName];
  return !Token.isUnresolved(a) && !Token.isUnresolved(b) && a === b;
}

function textFilesSource(props: StreamingPipelineProps): Array<Check | undefined> {
  const limits = StreamingPipelineLimits;
  return [
    sameBucket(props)
      ? {
          code: StreamingPipelineErrorCode.INPUT_BUCKET_IS_CHECKPOINT_BUCKET,
          property: 'inputBucket',
          given: describeGiven(props.inputBucket?.bucketName),
          problem:
            'must not be the checkpoint bucket: the function writes its write-ahead log there, which would notify it again',
          fix: 'Pass a separate inputBucket, or omit it for a new one.',
        }
      : undefined,
    integerRange(
      'asyncRetryAttempts',
      props.asyncRetryAttempts,
      limits.ASYNC_RETRY_ATTEMPTS,
      StreamingPipelineErrorCode.ASYNC_RETRY_ATTEMPTS_OUT_OF_RANGE,
      'Set asyncRetryAttempts to 0, 1 or 2 (Lambda retries asynchronous invocations at most twice), or omit it for 2.',
    ),
    durationRange(
      'maxEventAge',
      props.maxEventAge,
      limits.MAX_EVENT_AGE_SECONDS,
      StreamingPipelineErrorCode.MAX_EVENT_AGE_OUT_OF_RANGE,
      'Set maxEventAge between Duration.seconds(60) and Duration.hours(6), or omit it for 6 hours.',
    ),
  ];
}

function source(props: StreamingPipelineProps): Array<Check | undefined> {
  const kind: string = props.plan.source.kind;
  if (kind !== 'kinesis' && kind !== 'text-files') {
    return [
      {
        code: StreamingPipelineErrorCode.UNSUPPORTED_SOURCE,
        property: 'plan.source.kind',
        given: JSON.stringify(kind),
        problem: 'is not a source this construct can wire',
        fix: 'Build the pipeline with fromKinesis() or fromTextFiles({ prefix }).',
      },
    ];
  }
  const foreign = foreignProps(props);
  if (foreign.length > 0) return foreign;
  return kind === 'kinesis'
    ? [...failurePolicy(props), ...kinesisSource(props), ...eventSourceMapping(props)]
    : [...failurePolicy(props), ...textFilesSource(props)];
}

const POLICIES: ReadonlySet<string> = new Set(Object.values(FailurePolicy));

/** The failure policy is known, supported by the source, and not contradicted by retry props. */
function failurePolicy(props: StreamingPipelineProps): Check[] {
  const given = props.failurePolicy;
  if (given !== undefined && !POLICIES.has(given)) {
    return [
      {
        code: StreamingPipelineErrorCode.FAILURE_POLICY_UNSUPPORTED,
        property: 'failurePolicy',
        given: JSON.stringify(given),
        problem: `must be one of ${Object.keys(FailurePolicy)
          .map((name) => `FailurePolicy.${name}`)
          .join(', ')}`,
        fix: 'Set failurePolicy to a FailurePolicy value, or omit it for the default (BlockUntilFixed for Kinesis).',
      },
    ];
  }
  const source = props.plan.source;
  const policy = resolveFailurePolicy(given, source.kind);
  if (source.kind === 'text-files') {
    return policy === FailurePolicy.BlockUntilFixed
      ? [
          {
            code: StreamingPipelineErrorCode.FAILURE_POLICY_UNSUPPORTED,
            property: 'failurePolicy',
            given: JSON.stringify(policy),
            problem:
              'cannot block a text-file pipeline: S3 invokes the function asynchronously and Lambda retries an event at most twice within 6 hours',
            fix: 'Omit failurePolicy (text-file pipelines use FailurePolicy.DiscardAndRecover: failed events go to the dead-letter queue and `npx sparkless recover <pipeline>` processes them again).',
          },
        ]
      : [];
  }
  const checks: Check[] = [];
  if (policy === FailurePolicy.BlockUntilFixed) {
    for (const prop of ['retryAttempts', 'maxRecordAge'] as const) {
      if (props[prop] === undefined) continue;
      checks.push({
        code: StreamingPipelineErrorCode.FAILURE_POLICY_CONFLICT,
        property: prop,
        given: describeGiven(props[prop]),
        problem: `only applies to FailurePolicy.DiscardAndRecover, but the failure policy is ${failurePolicyName(policy)}${given === undefined ? ' (the default)' : ''}, which retries a failed batch until its records expire`,
        fix: `Remove ${prop}, or set failurePolicy: FailurePolicy.DiscardAndRecover to discard failed batches after bounded retries and replay them with \`npx sparkless recover\`.`,
      });
    }
  }
  const walRetention = props.writeAheadLogRetention ?? StreamingPipelineDefaults.WRITE_AHEAD_LOG_RETENTION;
  const streamRetention =
    props.stream === undefined
      ? (props.streamProps?.retentionPeriod ?? StreamingPipelineDefaults.STREAM_RETENTION)
      : undefined;
  if (
    props.checkpointBucket === undefined &&
    isResolvedDuration(walRetention) &&
    // A retention that is not whole days is reported by its own check.
    walRetention.toMilliseconds({ integral: false }) % 86_400_000 === 0 &&
    isResolvedDuration(streamRetention) &&
    walRetention.toMilliseconds() < streamRetention.toMilliseconds()
  ) {
    const days = Math.ceil(streamRetention.toMilliseconds() / 86_400_000);
    checks.push({
      code: StreamingPipelineErrorCode.WRITE_AHEAD_LOG_SHORTER_THAN_STREAM,
      property: 'writeAheadLogRetention',
      given: walRetention.toHumanString(),
      problem:
        policy === FailurePolicy.BlockUntilFixed
          ? `must be at least the stream's retention (${streamRetention.toHumanString()}) under ${failurePolicyName(policy)}: a batch blocked that long must still find the log of its claim`
          : `must be at least the stream's retention (${streamRetention.toHumanString()}) under ${failurePolicyName(policy)}: sparkless recover reads the logged claims to skip records already processed`,
      fix: `Set writeAheadLogRetention to at least Duration.days(${days}), or omit it and keep the stream's retention at 7 days or less.`,
    });
  }
  return checks;
}

function kinesisSource(props: StreamingPipelineProps): Check[] {
  const checks: Check[] = [];
  if (props.stream !== undefined && props.streamProps !== undefined) {
    checks.push({
      code: StreamingPipelineErrorCode.STREAM_AND_STREAM_PROPS,
      property: 'stream',
      given: 'both stream and streamProps',
      problem: 'and streamProps are mutually exclusive',
      fix: 'Pass stream to read an existing stream, or streamProps to create a new one, not both.',
    });
  }
  if (props.streamProps?.encryption === kinesis.StreamEncryption.UNENCRYPTED) {
    checks.push({
      code: StreamingPipelineErrorCode.UNENCRYPTED_STREAM,
      property: 'streamProps.encryption',
      given: 'StreamEncryption.UNENCRYPTED',
      problem: 'must not be UNENCRYPTED',
      fix: 'Omit streamProps.encryption (AWS-managed key) or use StreamEncryption.MANAGED or StreamEncryption.KMS.',
    });
  }
  const parallelization = props.parallelizationFactor;
  if (isResolvedNumber(parallelization) && parallelization !== 1) {
    checks.push({
      code: StreamingPipelineErrorCode.PARALLELIZATION_FACTOR_NOT_ONE,
      property: 'parallelizationFactor',
      given: String(parallelization),
      problem: 'must be 1: exactly-once state updates need records in per-shard order',
      fix: 'Set parallelizationFactor to 1 (or omit it) and add shards to the stream to scale out.',
    });
  }
  return checks;
}

function eventSourceMapping(props: StreamingPipelineProps): Array<Check | undefined> {
  const limits = StreamingPipelineLimits;
  return [
    integerRange(
      'batchSize',
      props.batchSize,
      limits.BATCH_SIZE,
      StreamingPipelineErrorCode.BATCH_SIZE_OUT_OF_RANGE,
      `Set batchSize to a whole number from ${limits.BATCH_SIZE.min} to ${limits.BATCH_SIZE.max}, or omit it for 100.`,
    ),
    integerRange(
      'retryAttempts',
      props.retryAttempts,
      limits.RETRY_ATTEMPTS,
      StreamingPipelineErrorCode.RETRY_ATTEMPTS_OUT_OF_RANGE,
      'Set retryAttempts to a bounded number of retries, or omit it for 10; for infinite retries use failurePolicy: FailurePolicy.BlockUntilFixed (the default) instead.',
    ),
    durationRange(
      'maxRecordAge',
      props.maxRecordAge,
      limits.MAX_RECORD_AGE_SECONDS,
      StreamingPipelineErrorCode.MAX_RECORD_AGE_OUT_OF_RANGE,
      'Set maxRecordAge between Duration.seconds(60) and Duration.days(7), or omit it for 24 hours.',
    ),
    durationRange(
      'maxBatchingWindow',
      props.maxBatchingWindow,
      limits.MAX_BATCHING_WINDOW_SECONDS,
      StreamingPipelineErrorCode.MAX_BATCHING_WINDOW_OUT_OF_RANGE,
      'Set maxBatchingWindow to at most Duration.minutes(5), or omit it for 1 second.',
    ),
  ];
}

function lambdaFunction(props: StreamingPipelineProps): Array<Check | undefined> {
  const limits = StreamingPipelineLimits;
  const reserved = Object.keys(props.environment ?? {}).filter((key) => RESERVED_VARIABLES.has(key));
  return [
    durationRange(
      'timeout',
      props.timeout,
      limits.TIMEOUT_SECONDS,
      StreamingPipelineErrorCode.TIMEOUT_OUT_OF_RANGE,
      'Set timeout to at most Duration.minutes(15) (the Lambda maximum), or omit it for 1 minute.',
    ),
    integerRange(
      'memorySize',
      props.memorySize,
      limits.MEMORY_SIZE_MB,
      StreamingPipelineErrorCode.MEMORY_SIZE_OUT_OF_RANGE,
      'Set memorySize in MiB from 128 to 10240, or omit it for 1024.',
    ),
    reserved.length === 0
      ? undefined
      : {
          code: StreamingPipelineErrorCode.RESERVED_ENVIRONMENT_VARIABLE,
          property: 'environment',
          given: reserved.join(', '),
          problem: 'must not set the variables the construct sets',
          fix: 'Remove them from environment; use the props plan, stateNamespace, codeVersion, resultTable and windowIdleTimeout instead.',
        },
  ];
}

function operations(props: StreamingPipelineProps): Array<Check | undefined> {
  const checks: Array<Check | undefined> = [];
  const interval = props.windowTriggerInterval;
  if (isResolvedDuration(interval)) {
    const minutes = interval.toMilliseconds({ integral: false }) / 60_000;
    if (!Number.isInteger(minutes) || minutes < StreamingPipelineLimits.WINDOW_TRIGGER_INTERVAL_MINUTES.min) {
      checks.push({
        code: StreamingPipelineErrorCode.INVALID_WINDOW_TRIGGER_INTERVAL,
        property: 'windowTriggerInterval',
        given: interval.toHumanString(),
        problem:
          'must be a whole number of minutes, at least 1 (EventBridge schedules fire at most once a minute)',
        fix: 'Set windowTriggerInterval to Duration.minutes(1) or more whole minutes, or omit it for 1 minute.',
      });
    }
  }
  const walRetention = props.writeAheadLogRetention;
  if (isResolvedDuration(walRetention)) {
    const days = walRetention.toMilliseconds({ integral: false }) / 86_400_000;
    if (!Number.isInteger(days) || days < StreamingPipelineLimits.WRITE_AHEAD_LOG_RETENTION_DAYS.min) {
      checks.push({
        code: StreamingPipelineErrorCode.INVALID_WRITE_AHEAD_LOG_RETENTION,
        property: 'writeAheadLogRetention',
        given: walRetention.toHumanString(),
        problem: 'must be a whole number of days, at least 1 (S3 lifecycle rules count in days)',
        fix: 'Set writeAheadLogRetention to Duration.days(n) with n >= 1 and longer than maxRecordAge, or omit it for 7 days.',
      });
    }
  }
  const idleTimeout = props.windowIdleTimeout;
  if (isResolvedDuration(idleTimeout)) {
    const range = StreamingPipelineLimits.WINDOW_IDLE_TIMEOUT_MS;
    const ms = idleTimeout.toMilliseconds({ integral: false });
    if (!Number.isInteger(ms) || ms < range.min || ms > range.max) {
      checks.push({
        code: StreamingPipelineErrorCode.WINDOW_IDLE_TIMEOUT_OUT_OF_RANGE,
        property: 'windowIdleTimeout',
        given: idleTimeout.toHumanString(),
        problem: `must be a whole number of milliseconds between ${range.min} (1 second) and ${range.max} (1 day) inclusive`,
        fix: 'Set windowIdleTimeout between Duration.seconds(1) and Duration.days(1), or omit it for the handler default of 1 minute.',
      });
    }
  }
  const threshold = props.iteratorAgeAlarmThreshold;
  if (isResolvedDuration(threshold) && threshold.toMilliseconds({ integral: false }) <= 0) {
    checks.push({
      code: StreamingPipelineErrorCode.INVALID_ITERATOR_AGE_ALARM_THRESHOLD,
      property: 'iteratorAgeAlarmThreshold',
      given: threshold.toHumanString(),
      problem: 'must be positive',
      fix: 'Set iteratorAgeAlarmThreshold to the lag you tolerate, e.g. Duration.minutes(5), or omit it.',
    });
  }
  checks.push(alarmEmail(props.alarmEmail));
  return checks;
}

/** One `local@domain.tld` address, no spaces or display name (what an SNS email subscription takes). */
const EMAIL_ADDRESS = /^[^\s@<>(),;:"]+@[^\s@<>(),;:"]+\.[^\s@<>(),;:".]+$/;

function alarmEmail(email: string | undefined): Check | undefined {
  if (email === undefined || Token.isUnresolved(email) || EMAIL_ADDRESS.test(email)) return undefined;
  return {
    code: StreamingPipelineErrorCode.INVALID_ALARM_EMAIL,
    property: 'alarmEmail',
    given: JSON.stringify(email),
    problem: 'must be one email address (local@domain.tld, no display name, no list)',
    fix: 'Set alarmEmail to one address such as "oncall@example.com" (subscribe more addresses to pipeline.alarmTopic), or omit it.',
  };
}

function keyAttributeName(property: string, value: string): Check | undefined {
  if (Token.isUnresolved(value)) return undefined;
  const range = StreamingPipelineLimits.KEY_ATTRIBUTE_NAME_BYTES;
  const bytes = Buffer.byteLength(value, 'utf8');
  if (bytes >= range.min && bytes <= range.max) return undefined;
  return {
    code: StreamingPipelineErrorCode.INVALID_RESULT_TABLE_KEY,
    property,
    given: JSON.stringify(value),
    problem: `must be ${range.min} to ${range.max} bytes long (DynamoDB key attribute names)`,
    fix: `Set ${property} to the attribute name the pipeline's rows use in their key, e.g. "word".`,
  };
}

function sameTable(a: { readonly tableName: string }, b: { readonly tableName: string }): boolean {
  if (a === b) return true;
  return !Token.isUnresolved(a.tableName) && !Token.isUnresolved(b.tableName) && a.tableName === b.tableName;
}

function resultTable(props: StreamingPipelineProps): Array<Check | undefined> {
  const table = props.resultTable;
  if (table === undefined) return [];
  if (isExistingTable(table)) {
    const state = props.stateTable;
    return [
      state !== undefined && sameTable(table, state)
        ? {
            code: StreamingPipelineErrorCode.RESULT_TABLE_IS_STATE_TABLE,
            property: 'resultTable',
            given: describeGiven(Token.isUnresolved(table.tableName) ? table : table.tableName),
            problem:
              "must not be the state table: result rows would mix with keyed state, offsets and the batch ledger under the state table's key schema",
            fix: 'Pass a separate table, or the key schema ({ partitionKey, sortKey? }) of a new one.',
          }
        : undefined,
    ];
  }
  const { partitionKey, sortKey } = table;
  return [
    keyAttributeName('resultTable.partitionKey.name', partitionKey.name),
    sortKey === undefined ? undefined : keyAttributeName('resultTable.sortKey.name', sortKey.name),
    sortKey !== undefined &&
    !Token.isUnresolved(sortKey.name) &&
    !Token.isUnresolved(partitionKey.name) &&
    sortKey.name === partitionKey.name
      ? {
          code: StreamingPipelineErrorCode.INVALID_RESULT_TABLE_KEY,
          property: 'resultTable.sortKey.name',
          given: JSON.stringify(sortKey.name),
          problem: 'must differ from resultTable.partitionKey.name',
          fix: 'Name the second key attribute differently, or omit sortKey for a table keyed by the partition key alone.',
        }
      : undefined,
  ];
}

function reference(descriptor: ReferenceDescriptor, index: number): Check | undefined {
  const { source } = descriptor;
  const property = `plan.references[${index}].source`;
  const of = `of reference data ${JSON.stringify(descriptor.name)}`;
  if (source.kind === 's3-json') {
    if (
      source.bucket !== PIPELINE_BUCKET &&
      !StreamingPipelineLimits.BUCKET_NAME_PATTERN.test(source.bucket)
    ) {
      return {
        code: StreamingPipelineErrorCode.INVALID_REFERENCE_SOURCE,
        property: `${property}.bucket`,
        given: JSON.stringify(source.bucket),
        problem: `${of} is not an S3 bucket name (3 to 63 lowercase letters, digits, "." and "-")`,
        fix: "Declare the source with s3Json('<bucket>', '<key>') naming an existing bucket, or pipelineBucketJson('<key>') for the pipeline's own bucket.",
      };
    }
    if (source.key === '') {
      return {
        code: StreamingPipelineErrorCode.INVALID_REFERENCE_SOURCE,
        property: `${property}.key`,
        given: '""',
        problem: `${of} must name an object`,
        fix: 'Give the key of the JSON document, e.g. "reference/blacklist.json".',
      };
    }
  } else if (
    source.kind === 'dynamodb-table' &&
    !StreamingPipelineLimits.TABLE_NAME_PATTERN.test(source.tableName)
  ) {
    return {
      code: StreamingPipelineErrorCode.INVALID_REFERENCE_SOURCE,
      property: `${property}.tableName`,
      given: JSON.stringify(source.tableName),
      problem: `${of} is not a DynamoDB table name (3 to 255 letters, digits, "_", "-" and ".")`,
      fix: "Declare the source with dynamoDbTable('<table name>', '<key attribute>') naming a table in this stack's account and region.",
    };
  }
  return undefined;
}

function textFilePrefix(prefix: string, index: number): Check | undefined {
  try {
    validateTextFilePrefix(prefix, { defaultBucket: PIPELINE_BUCKET });
    return undefined;
  } catch (error) {
    if (!(error instanceof InvalidTextFilePathError)) throw error;
    return {
      code: StreamingPipelineErrorCode.INVALID_TEXT_FILE_PREFIX,
      property: `plan.textFilePrefixes[${index}]`,
      given: JSON.stringify(prefix),
      problem: `is not a prefix saveAsTextFiles can write under: ${error.message}`,
      fix:
        "Pass saveAsTextFiles an s3://<bucket>/<path> URL, or a key prefix in the pipeline's bucket outside " +
        `${TextFileSinkDefaults.RESERVED_KEY_PREFIXES.join(', ')}.`,
    };
  }
}

function planAccess(props: StreamingPipelineProps): Array<Check | undefined> {
  return [...props.plan.references.map(reference), ...props.plan.textFilePrefixes.map(textFilePrefix)];
}

/**
 * Validates the props of a {@link StreamingPipeline} and throws the first problem found as a
 * {@link StreamingPipelineValidationError}. Values that are unresolved CDK tokens are skipped.
 *
 * @param props - the props to validate
 * @param constructPath - the path of the construct, echoed in the message
 * @throws {@link StreamingPipelineValidationError} when a prop is invalid
 */
export function validateStreamingPipelineProps(props: StreamingPipelineProps, constructPath: string): void {
  const checks: Array<Check | undefined> = [
    name('plan.name', props.plan.name, StreamingPipelineErrorCode.INVALID_PLAN_NAME),
    name('stateNamespace', props.stateNamespace, StreamingPipelineErrorCode.INVALID_STATE_NAMESPACE),
    ...source(props),
    ...lambdaFunction(props),
    ...resultTable(props),
    ...planAccess(props),
    ...operations(props),
  ];
  const failed = checks.find((check): check is Check => check !== undefined);
  if (failed !== undefined) {
    throw new StreamingPipelineValidationError({ ...failed, constructPath });
  }
}
