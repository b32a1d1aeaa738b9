import type { Pipeline } from '../../lib/core';
import { EnvVar, HANDLER_SDK_RETRY, type HandlerOptions } from '../../lib/handlers';
import type { MetricsSink } from '../../lib/metrics';
import { type AwsClients, type AwsClientsConfig, createAwsClients } from '../clients';

/** What a locally deployed handler runs against. */
export interface LocalHandlerSetup {
  readonly pipeline: Pipeline;
  readonly clients: AwsClients;
  readonly tableName: string;
  readonly bucket: string;
  readonly namespace: string;
  /** More environment (e.g. `SPARKLESS_WINDOW_IDLE_TIMEOUT_MS`). @default none */
  readonly environment?: Readonly<Record<string, string>>;
  /** @default process.stdout */
  readonly print?: (block: string) => void;
  /** @default EMF metrics on stdout */
  readonly metrics?: MetricsSink;
}

/** The handler options of a local deployment: the local clients and the environment the CDK construct sets. */
export function localHandlerOptions(setup: LocalHandlerSetup): HandlerOptions {
  return {
    clients: setup.clients,
    environment: {
      [EnvVar.pipeline]: setup.pipeline.name,
      [EnvVar.stateTable]: setup.tableName,
      [EnvVar.checkpointBucket]: setup.bucket,
      [EnvVar.stateNamespace]: setup.namespace,
      [EnvVar.codeVersion]: 'local',
      ...setup.environment,
    },
    ...(setup.print === undefined ? {} : { print: setup.print }),
    ...(setup.metrics === undefined ? {} : { metrics: setup.metrics }),
  };
}

/**
 * The clients of a local deployment (the handler's and the event source mapping's): set up for the local
 * endpoint, with the deployed handler's SDK retry settings, so an emulator that is briefly away is retried
 * the way DynamoDB or S3 throttling is on AWS (`retry` overrides those settings).
 */
export function localRunnerClients(
  endpoint: string,
  region: string,
  retry: NonNullable<AwsClientsConfig['retry']> = HANDLER_SDK_RETRY,
): AwsClients {
  return createAwsClients({ endpoint, region, retry });
}
