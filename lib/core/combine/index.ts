export type { CombineFn, Reduced } from './combine-fn';
export { Combiners } from './combine-fn';
