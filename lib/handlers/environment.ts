import { InvalidConfigurationError, type PipelinePlan } from '../core';

/** Environment variable names the handler reads (the CDK construct sets them). */
export const EnvVar = {
  pipeline: 'SPARKLESS_PIPELINE',
  stateTable: 'SPARKLESS_STATE_TABLE',
  checkpointBucket: 'SPARKLESS_CHECKPOINT_BUCKET',
  stateNamespace: 'SPARKLESS_STATE_NAMESPACE',
  codeVersion: 'SPARKLESS_CODE_VERSION',
  windowIdleTimeoutMs: 'SPARKLESS_WINDOW_IDLE_TIMEOUT_MS',
} as const;

/** The handler's validated configuration. */
export interface HandlerConfig {
  readonly stateTable: string;
  readonly checkpointBucket: string;
  readonly namespace: string;
  readonly codeVersion: string;
  /** A partition idle this long no longer holds window firing back. */
  readonly idleTimeoutMs: number;
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
    idleTimeoutMs: positiveInteger(env, EnvVar.windowIdleTimeoutMs, 60_000),
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

function positiveInteger(
  env: Readonly<Record<string, string | undefined>>,
  name: string,
  fallback: number,
): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value <= 0) {
    throw new InvalidConfigurationError(
      `${name} must be a positive integer number of milliseconds (given ${raw})`,
    );
  }
  return value;
}
