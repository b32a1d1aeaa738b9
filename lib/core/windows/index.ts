export type { Window, Windowed } from './window';
export {
  paneStartOf,
  panesOfWindow,
  slidingWindows,
  tumblingWindows,
  windowEndsContaining,
  windowEndsOfPane,
} from './window-spec';
export type { SlidingWindowOptions, WindowSpec } from './window-spec';
export type { PaneItem } from './pane-items';
export { paneGroup, paneItemKey, parsePaneItemKey, shardOf, windowResults } from './pane-items';
