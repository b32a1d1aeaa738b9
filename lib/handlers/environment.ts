import { InvalidConfigurationError, type PipelinePlan } from '../core';

/** Environment variable names the handler reads (the CDK construct sets them). */
export const EnvVar = {
  pipeline: 'SPARKLESS_PIPELINE',
  stateTable: 'SPARKLESS_STATE_TABLE',
  checkpointBucket: 'SPARKLESS_CHECKPOINT_BUCKET',
  stateNamespace: 'SPARKLESS_STATE_NAMESPACE',
  codeVersion: 'SPARKLESS_CODE_VERSION',
} as const;

/** The handler's validated configuration. */
export interface HandlerConfig {
  readonly stateTable: string;
  readonly checkpointBucket: string;
  readonly namespace: string;
  readonly codeVersion: string;
}

/**
 * Reads and validates the configuration; a missing or contradictory value fails the cold
 * start with a message that names the variable to set.
 */
export function readHandlerConfig(
  plan: PipelinePlan,
  env: Readonly<Record<string, string | undefined>>,
): HandlerConfig {
  const declared = env[EnvVar.pipeline];
  if (declared !== undefined && declared !== plan.name) {
    throw new InvalidConfigurationError(
      `${EnvVar.pipeline} is "${declared}" but this handler runs pipeline "${plan.name}": point the function at the right handler file or fix the variable`,
    );
  }
  const namespace = env[EnvVar.stateNamespace] ?? plan.name;
  if (!/^[A-Za-z0-9._-]{1,100}$/.test(namespace)) {
    throw new InvalidConfigurationError(
      `${EnvVar.stateNamespace} must be 1-100 letters, digits or ._- (given ${JSON.stringify(namespace)})`,
    );
  }
  return {
    stateTable: required(env, EnvVar.stateTable, 'the DynamoDB state table name'),
    checkpointBucket: required(env, EnvVar.checkpointBucket, 'the S3 checkpoint bucket name'),
    namespace,
    codeVersion: env[EnvVar.codeVersion] ?? env.AWS_LAMBDA_FUNCTION_VERSION ?? 'unversioned',
  };
}

function required(env: Readonly<Record<string, string | undefined>>, name: string, what: string): string {
  const value = env[name];
  if (value === undefined || value === '') {
    throw new InvalidConfigurationError(
      `${name} is not set: set it to ${what} (the StreamingPipeline construct does)`,
    );
  }
  return value;
}
