import { CfnElement, CfnResource, Stack } from 'aws-cdk-lib';
import type { IConstruct } from 'constructs';

/**
 * One cdk-nag finding accepted on purpose, with the reason. Written as the `cdk_nag` resource
 * metadata cdk-nag reads (`rules_to_suppress`), so the construct needs no cdk-nag dependency and
 * every app that runs cdk-nag sees the same justified suppressions.
 */
export interface NagSuppression {
  /** The rule, e.g. `AwsSolutions-S1`. */
  readonly id: string;
  /** Why the finding is accepted (cdk-nag requires at least 10 characters). */
  readonly reason: string;
  /**
   * The findings of the rule it covers (for rules with findings, such as `AwsSolutions-IAM5`).
   *
   * @default every finding of the rule on the resource
   */
  readonly appliesTo?: ReadonlyArray<string | { readonly regex: string }>;
}

/** The id CDK gives the singleton function that configures S3 bucket notifications in a stack. */
const BUCKET_NOTIFICATIONS_HANDLER_ID = 'BucketNotificationsHandler050a0587b7544547bf325f094a3db834';

/** Reasons shared by the pipeline's suppressions. */
export const NagReason = {
  SERVER_ACCESS_LOGS:
    'Server access logs would need another bucket per pipeline (itself unlogged). The bucket is private, SSL-only and encrypted, only the pipeline function role reads or writes it; enable CloudTrail S3 data events for an audit trail.',
  DEAD_LETTER_QUEUE:
    'This queue is itself the dead-letter queue: the on-failure destination of the event source mapping or of the asynchronous invocations (cdk-nag recognizes only SQS redrive policies). Its messages are handled by `sparkless recover`.',
  RUNTIME:
    'The runtime is the `runtime` prop (default Node.js 22, the version the handlers are bundled and tested for); moving to a newer runtime is a tested release, not a linter default.',
  OBJECTS_IN_OWN_BUCKET:
    'The function reads and writes objects whose keys it derives at run time (checkpoints, write-ahead log, dead letters, state above 400 KB) in its own bucket: object-level actions need the bucket/* resource. Actions are the exact calls (no s3:*Object* families).',
  OBJECTS_UNDER_INPUT_PREFIX:
    'The function reads the new files S3 notifies it of: any key under the configured prefix, so the resource is <bucket>/<prefix>*. Actions are only s3:GetObject and s3:GetObjectVersion.',
  NOTIFICATIONS_HANDLER:
    "CDK's own singleton function that configures the input bucket's notifications at deploy time uses AWSLambdaBasicExecutionRole for its logs; the L2 offers no way to change it.",
} as const;

function cfnResourceOf(construct: IConstruct): CfnResource | undefined {
  if (construct instanceof CfnResource) return construct;
  const child = construct.node.defaultChild;
  return child instanceof CfnResource ? child : undefined;
}

/**
 * Adds justified cdk-nag suppressions to a construct's CloudFormation resource (its default child),
 * keeping the ones already there.
 *
 * @param construct - the resource, or the L2 construct whose default child it is
 * @param suppressions - the rules, reasons and covered findings
 */
export function suppressNagFindings(construct: IConstruct, suppressions: readonly NagSuppression[]): void {
  const resource = cfnResourceOf(construct);
  if (resource === undefined) return;
  const existing = (resource.getMetadata('cdk_nag') as { rules_to_suppress?: unknown[] } | undefined)
    ?.rules_to_suppress;
  resource.addMetadata('cdk_nag', {
    rules_to_suppress: [
      ...(existing ?? []),
      ...suppressions.map(({ id, reason, appliesTo }) => ({
        id,
        reason,
        ...(appliesTo === undefined ? {} : { applies_to: appliesTo }),
      })),
    ],
  });
}

/**
 * The `Resource::<LogicalId.Arn>/<keyPattern>` finding of cdk-nag's IAM5 rule for objects of a
 * bucket created in the stack, as a regular expression; `undefined` for an imported bucket (its
 * findings name the app's own ARN: suppress them in the app).
 *
 * @param bucket - the bucket construct
 * @param keyPattern - the key pattern after the bucket ARN, e.g. `*` or `input/*`
 */
export function bucketObjectsFinding(bucket: IConstruct, keyPattern: string): { regex: string } | undefined {
  const resource = bucket.node.defaultChild;
  if (!(resource instanceof CfnElement)) return undefined;
  const logicalId = Stack.of(bucket).resolve(resource.logicalId) as string;
  const escape = (text: string) => text.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
  return { regex: `/^Resource::<${escape(logicalId)}\\.Arn>\\/${escape(keyPattern)}$/` };
}

/**
 * Suppresses the `AwsSolutions-IAM4` finding on CDK's bucket-notifications handler role, if the
 * stack has that handler.
 *
 * @param scope - any construct in the stack
 */
export function suppressBucketNotificationsHandlerFindings(scope: IConstruct): void {
  const handler = Stack.of(scope).node.tryFindChild(BUCKET_NOTIFICATIONS_HANDLER_ID);
  const role = handler?.node.tryFindChild('Role');
  if (role === undefined) return;
  suppressNagFindings(role, [
    {
      id: 'AwsSolutions-IAM4',
      reason: NagReason.NOTIFICATIONS_HANDLER,
      appliesTo: ['Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole'],
    },
  ]);
}
