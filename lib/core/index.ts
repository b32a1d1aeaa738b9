export * from './errors';
export * from './evaluation';
export * from './offsets';
export * from './output';
export * from './pipeline';
export type { PipelinePlan, StatefulOperatorDescriptor } from './plan/types';
export * from './records';
export * from './runner';
export * from './time';
