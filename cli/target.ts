import { CloudFormationClient, DescribeStacksCommand } from '@aws-sdk/client-cloudformation';
import { pipelineStackName, PipelineStackOutput } from '../cdk/stacks/stack-names';
import { InvalidConfigurationError } from '../lib/core';
import type { OnFailureLocation, PipelineLocation } from '../lib/recovery';
import { LocalPipelineDefaults, onFailurePrefix } from '../localstack/runner/pipeline-readers';

/**
 * How a command names the pipeline it works on: a deployed stack (its CloudFormation outputs), the
 * embedded stack (`--endpoint` / `AWS_ENDPOINT_URL`, with the local runner's names), or explicit
 * names, which override both. Shared by every command that works on a running pipeline.
 */
export interface TargetOptions {
  /** The CloudFormation stack. @default `Sparkless<PascalName>` (the app's stack name) */
  readonly stack?: string;
  /** An endpoint for every service (LocalStack, the embedded stack). @default `AWS_ENDPOINT_URL` */
  readonly endpoint?: string;
  /** @default the SDK's region chain; `us-east-1` for a local endpoint */
  readonly region?: string;
  readonly stateTable?: string;
  readonly checkpointBucket?: string;
  /** @default the stack's `StateNamespace` output, else the pipeline name */
  readonly namespace?: string;
  /** The on-failure SQS queue. @default the stack's `DeadLetterQueueUrl` output */
  readonly queueUrl?: string;
  /** The on-failure records as objects: `s3://bucket/prefix/`. @default the local runner's prefix with an endpoint */
  readonly onFailure?: string;
}

/** What a command runs against. */
export interface ResolvedTarget {
  /** @default real AWS */
  readonly endpoint?: string;
  /** @default the SDK's region chain */
  readonly region?: string;
  readonly location: PipelineLocation;
  /** Where the names came from, for messages. */
  readonly source: string;
}

/** Reads a stack's outputs (`OutputKey` → `OutputValue`). */
export interface StackOutputsReader {
  read(stackName: string): Promise<Readonly<Record<string, string>>>;
}

/** {@link StackOutputsReader} on CloudFormation `DescribeStacks`. */
export class CloudFormationStackOutputs implements StackOutputsReader {
  public constructor(private readonly client: CloudFormationClient) {}

  public async read(stackName: string): Promise<Readonly<Record<string, string>>> {
    let outputs;
    try {
      const response = await this.client.send(new DescribeStacksCommand({ StackName: stackName }));
      outputs = response.Stacks?.[0]?.Outputs ?? [];
    } catch (error) {
      const reason = error instanceof Error ? error.message : String(error);
      throw new InvalidConfigurationError(
        `cannot read stack ${stackName} (${reason}): deploy it (npx cdk deploy ${stackName}), name it with --stack, or pass --endpoint for the embedded stack`,
      );
    }
    return Object.fromEntries(
      outputs.flatMap((output) =>
        output.OutputKey === undefined || output.OutputValue === undefined
          ? []
          : [[output.OutputKey, output.OutputValue] as const],
      ),
    );
  }
}

/**
 * Resolves where `pipelineName` runs.
 *
 * @param env - the environment (`AWS_ENDPOINT_URL`)
 * @param outputs - builds the stack outputs reader, only when a stack must be read
 * @throws {@link InvalidConfigurationError} naming the option that is missing or malformed
 */
export async function resolveTarget(
  pipelineName: string,
  options: TargetOptions,
  env: Readonly<Record<string, string | undefined>>,
  outputs: (region: string | undefined) => StackOutputsReader = (region) =>
    new CloudFormationStackOutputs(new CloudFormationClient(region === undefined ? {} : { region })),
): Promise<ResolvedTarget> {
  const endpoint = nonEmpty(options.endpoint) ?? nonEmpty(env.AWS_ENDPOINT_URL);
  const region = nonEmpty(options.region);
  const explicitOnFailure = onFailureOption(options);
  const common = {
    ...(endpoint === undefined ? {} : { endpoint }),
    ...(region === undefined ? {} : { region }),
  };
  if (endpoint !== undefined && options.stack === undefined) {
    const namespace = options.namespace ?? pipelineName;
    const checkpointBucket = options.checkpointBucket ?? LocalPipelineDefaults.CHECKPOINT_BUCKET;
    return {
      ...common,
      source: `the local stack at ${endpoint}`,
      location: {
        stateTable: options.stateTable ?? LocalPipelineDefaults.STATE_TABLE,
        checkpointBucket,
        namespace,
        onFailure: explicitOnFailure ?? {
          kind: 's3',
          bucket: checkpointBucket,
          prefix: onFailurePrefix(namespace),
        },
      },
    };
  }
  const complete =
    options.stateTable !== undefined &&
    options.checkpointBucket !== undefined &&
    explicitOnFailure !== undefined;
  const stack = options.stack ?? pipelineStackName(pipelineName);
  const values = complete ? {} : await outputs(region).read(stack);
  const Output = PipelineStackOutput;
  const stateTable = options.stateTable ?? values[Output.STATE_TABLE_NAME];
  const checkpointBucket = options.checkpointBucket ?? values[Output.CHECKPOINT_BUCKET_NAME];
  const queueUrl = values[Output.DEAD_LETTER_QUEUE_URL];
  const onFailure =
    explicitOnFailure ?? (queueUrl === undefined ? undefined : { kind: 'sqs' as const, queueUrl });
  if (stateTable === undefined || checkpointBucket === undefined || onFailure === undefined) {
    throw new InvalidConfigurationError(
      `stack ${stack} has no ${[
        stateTable === undefined ? Output.STATE_TABLE_NAME : undefined,
        checkpointBucket === undefined ? Output.CHECKPOINT_BUCKET_NAME : undefined,
        onFailure === undefined ? Output.DEAD_LETTER_QUEUE_URL : undefined,
      ]
        .filter((name) => name !== undefined)
        .join(
          ', ',
        )} output: pass --state-table, --checkpoint-bucket and --queue-url (or --on-failure s3://...)`,
    );
  }
  return {
    ...common,
    source: complete ? 'the names given' : `stack ${stack}`,
    location: {
      stateTable,
      checkpointBucket,
      namespace: options.namespace ?? values[Output.STATE_NAMESPACE] ?? pipelineName,
      onFailure,
    },
  };
}

function onFailureOption(options: TargetOptions): OnFailureLocation | undefined {
  if (options.queueUrl !== undefined && options.onFailure !== undefined) {
    throw new InvalidConfigurationError(
      '--queue-url and --on-failure name two destinations: pass the one the pipeline sends discarded batches to',
    );
  }
  if (options.queueUrl !== undefined) return { kind: 'sqs', queueUrl: options.queueUrl };
  if (options.onFailure === undefined) return undefined;
  const match = /^s3:\/\/([^/]+)\/(.*)$/.exec(options.onFailure);
  if (match === null || match[1] === undefined) {
    throw new InvalidConfigurationError(
      `--on-failure must be an s3://bucket/prefix/ URL (given ${JSON.stringify(options.onFailure)})`,
    );
  }
  const prefix = match[2] ?? '';
  return {
    kind: 's3',
    bucket: match[1],
    prefix: prefix === '' || prefix.endsWith('/') ? prefix : `${prefix}/`,
  };
}

function nonEmpty(value: string | undefined): string | undefined {
  return value === undefined || value === '' ? undefined : value;
}
