import { ArnFormat, Stack } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as s3 from 'aws-cdk-lib/aws-s3';
import type { Construct } from 'constructs';
import { ProgressTargetKind } from '../../lib/core/pipeline/listeners';
import type { PipelinePlan } from '../../lib/core/plan/types';
import { PIPELINE_BUCKET } from '../../lib/core/reference/reference-data';
import { parseTextFilePath } from '../../lib/sinks/text-files/text-file-path';

/** The actions granted for what a plan reads and writes besides state and checkpoints. */
export const PlanAccessActions = {
  /** Reading an `s3-json` reference document. */
  READ_REFERENCE_OBJECT: ['s3:GetObject'],
  /** Loading a `dynamodb-table` reference source (a paginated Scan). */
  SCAN_REFERENCE_TABLE: ['dynamodb:Scan'],
  /** `saveAsTextFiles` into another bucket (the sink overwrites by deterministic key). */
  WRITE_TEXT_FILES: ['s3:PutObject'],
  /** `forwardProgressToKinesis` (one PutRecord per event). */
  FORWARD_TO_KINESIS: ['kinesis:PutRecord'],
  /** `forwardProgressToEventBridge` (one PutEvents entry per event). */
  FORWARD_TO_EVENTBRIDGE: ['events:PutEvents'],
} as const;

/** What the function may write for one `saveAsTextFiles` prefix that names another bucket. */
export interface TextFilePrefixLocation {
  /** The bucket named by the `s3://bucket/path` prefix. */
  readonly bucket: string;
  /** The key prefix in that bucket (`path`); objects are `<path>-<batchTime>[.<suffix>]/part-<n>`. */
  readonly keyPrefix: string;
}

/** Options of {@link grantPlanAccess}. */
export interface PlanAccessOptions {
  /** The plan whose `references` and `textFilePrefixes` are granted. */
  readonly plan: PipelinePlan;
  /** The pipeline's function. */
  readonly grantee: iam.IGrantable;
  /** The pipeline's own bucket, which `'${pipeline-bucket}'` references and relative prefixes name. */
  readonly checkpointBucket: s3.IBucket;
}

/** Stands for relative `saveAsTextFiles` prefixes while parsing: they go to the checkpoint bucket. */
const OWN_BUCKET = PIPELINE_BUCKET;

/** What the text-file sink appends to a prefix, so a prefix parses as a whole object path. */
const SAMPLE_SUFFIX = '-0/part-0';

/**
 * Where a `saveAsTextFiles` prefix writes, when it names another bucket (`s3://bucket/path`, also
 * `s3a://`, `s3n://`); `undefined` for a key prefix in the pipeline's own bucket.
 *
 * @param prefix - one of `plan.textFilePrefixes`, already validated
 * @throws InvalidTextFilePathError when the prefix maps to no bucket and key
 */
export function textFilePrefixLocation(prefix: string): TextFilePrefixLocation | undefined {
  const { bucket, key } = parseTextFilePath(`${prefix}${SAMPLE_SUFFIX}`, { defaultBucket: OWN_BUCKET });
  if (bucket === OWN_BUCKET) return undefined;
  return { bucket, keyPrefix: key.slice(0, key.length - SAMPLE_SUFFIX.length) };
}

/**
 * Escapes the characters IAM reads as wildcards or variables in a resource ARN (`*`, `?`, `$`)
 * with IAM's literal policy variables (`${*}`, `${?}`, `${$}`), so an object key grants exactly
 * that key.
 *
 * @param text - an object key or key prefix
 */
export function iamLiteral(text: string): string {
  return text.replace(/[*?$]/g, (character) => `\${${character}}`);
}

/**
 * Grants the function least-privilege access to what its plan reads and writes outside the state
 * table and the checkpoint bucket's own prefixes:
 *
 * - each `s3-json` reference: `s3:GetObject` on that one object (in the pipeline's bucket when the
 *   reference names `'${pipeline-bucket}'`; the bucket-wide read/write grant already covers it, the
 *   statement keeps the dependency visible and survives a narrower bucket grant);
 * - each `dynamodb-table` reference: `dynamodb:Scan` on that table, in the stack's account and region;
 * - each `saveAsTextFiles` prefix `s3://bucket/path`: `s3:PutObject` on `bucket/path*`. Relative
 *   prefixes are keys in the pipeline's bucket, already writable.
 *
 * - each progress forwarder: `kinesis:PutRecord` on its stream, or `events:PutEvents` on its event
 *   bus, in the stack's account and region (a stream encrypted with a customer key also needs
 *   `kms:GenerateDataKey` on that key, which the plan does not know: grant it yourself).
 *
 * `static` references need nothing. Duplicates are granted once.
 *
 * @param scope - the pipeline construct (its stack gives the partition, account and region)
 * @param options - the plan, the function and the pipeline's bucket
 */
export function grantPlanAccess(scope: Construct, options: PlanAccessOptions): void {
  const { plan, grantee, checkpointBucket } = options;
  const stack = Stack.of(scope);
  const ownObjects = new Set<string>();
  const otherObjects = new Map<string, { readonly bucket: string; readonly key: string }>();
  const tables = new Set<string>();
  for (const { source } of plan.references) {
    if (source.kind === 's3-json') {
      if (source.bucket === PIPELINE_BUCKET) ownObjects.add(source.key);
      else otherObjects.set(`${source.bucket}/${source.key}`, source);
    } else if (source.kind === 'dynamodb-table') {
      tables.add(source.tableName);
    }
  }
  const textFileLocations = new Map<string, TextFilePrefixLocation>();
  for (const prefix of plan.textFilePrefixes) {
    const location = textFilePrefixLocation(prefix);
    if (location !== undefined) textFileLocations.set(`${location.bucket}/${location.keyPrefix}`, location);
  }

  const objectArn = (bucket: string, keyPattern: string): string =>
    stack.formatArn({
      service: 's3',
      region: '',
      account: '',
      resource: bucket,
      resourceName: keyPattern,
      arnFormat: ArnFormat.SLASH_RESOURCE_NAME,
    });

  grant(grantee, PlanAccessActions.READ_REFERENCE_OBJECT, [
    ...[...ownObjects].map((key) => checkpointBucket.arnForObjects(iamLiteral(key))),
    ...[...otherObjects.values()].map(({ bucket, key }) => objectArn(bucket, iamLiteral(key))),
  ]);
  grant(
    grantee,
    PlanAccessActions.SCAN_REFERENCE_TABLE,
    [...tables].map((tableName) =>
      stack.formatArn({
        service: 'dynamodb',
        resource: 'table',
        resourceName: tableName,
        arnFormat: ArnFormat.SLASH_RESOURCE_NAME,
      }),
    ),
  );
  grant(
    grantee,
    PlanAccessActions.WRITE_TEXT_FILES,
    [...textFileLocations.values()].map(({ bucket, keyPrefix }) =>
      objectArn(bucket, `${iamLiteral(keyPrefix)}*`),
    ),
  );
  const targetArns = (kind: ProgressTargetKind, service: string, resource: string): string[] => [
    ...new Set(
      plan.progressTargets
        .filter((target) => target.kind === kind)
        .map(({ name }) =>
          stack.formatArn({
            service,
            resource,
            resourceName: name,
            arnFormat: ArnFormat.SLASH_RESOURCE_NAME,
          }),
        ),
    ),
  ];
  grant(
    grantee,
    PlanAccessActions.FORWARD_TO_KINESIS,
    targetArns(ProgressTargetKind.Kinesis, 'kinesis', 'stream'),
  );
  grant(
    grantee,
    PlanAccessActions.FORWARD_TO_EVENTBRIDGE,
    targetArns(ProgressTargetKind.EventBridge, 'events', 'event-bus'),
  );
}

function grant(grantee: iam.IGrantable, actions: readonly string[], resourceArns: readonly string[]): void {
  if (resourceArns.length === 0) return;
  iam.Grant.addToPrincipal({ grantee, actions: [...actions], resourceArns: [...resourceArns] });
}
