export type { Clock } from './clock';
export { ManualClock, systemClock } from './clock';
