export type { HandlerClients } from './default-clients';
export { createDefaultClients } from './default-clients';
export type { HandlerConfig } from './environment';
export { EnvVar, readHandlerConfig } from './environment';
export type { KinesisHandler, KinesisHandlerOptions } from './kinesis-handler';
export { createKinesisHandler } from './kinesis-handler';
