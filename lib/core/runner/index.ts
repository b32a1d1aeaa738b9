export type { InMemoryRunnerOptions } from './in-memory-runner';
export { InMemoryRunner } from './in-memory-runner';
export { MapStateBackend } from './map-state-backend';
export { userStates } from './user-states';
