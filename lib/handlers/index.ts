export type { HandlerClients } from './default-clients';
export { createDefaultClients, HANDLER_SDK_RETRY } from './default-clients';
export type { HandlerConfig } from './environment';
export { EnvVar, readHandlerConfig } from './environment';
export type { ObjectFailure } from './errors';
export { HandlerError, HandlerErrorCode, ObjectsFailedError } from './errors';
export type { KinesisHandler, KinesisHandlerOptions } from './kinesis-handler';
export { createKinesisHandler } from './kinesis-handler';
export type { HandlerOptions, PipelineRuntime, RuntimeSettings } from './runtime';
export { assertSourceKind, createRuntimeLoader } from './runtime';
export type {
  IgnoredReason,
  ObjectOutcome,
  S3Handler,
  S3HandlerOptions,
  S3HandlerResult,
} from './s3-handler';
export { createS3Handler, ObjectStatus } from './s3-handler';
export type { WindowTickEvent } from './window-tick';
export { isWindowTick, WINDOW_TICK } from './window-tick';
