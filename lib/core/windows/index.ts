export type { Window, WindowedRow } from './window';
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
export {
  parseWindowItemKey,
  WINDOW_ITEM_RETENTION_MS,
  windowItemExpiresAtSeconds,
  windowItemKey,
  windowTableGroup,
  windowTableGroups,
} from './window-items';
