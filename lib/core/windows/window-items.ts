import { shardOf } from './pane-items';
import type { WindowSpec } from './window-spec';

/**
 * How the result item of one (window, key) of an update- or complete-mode operator is named: the
 * window end, then the key id.
 */
export function windowItemKey(windowEnd: number, keyId: string): string {
  return `${windowEnd}|${keyId}`;
}

/** Inverse of {@link windowItemKey}. */
export function parseWindowItemKey(itemKey: string): { windowEnd: number; keyId: string } {
  const separator = itemKey.indexOf('|');
  return { windowEnd: Number(itemKey.slice(0, separator)), keyId: itemKey.slice(separator + 1) };
}

/**
 * The storage group of a complete-mode result item: the whole result table is read every batch, so
 * its items live in `shards` groups (DynamoDB partition keys) that are queried together; the shard
 * comes from the item key, so one hot window's keys spread over all of them.
 */
export function windowTableGroup(itemKey: string, shards: number): string {
  return `table#${shardOf(itemKey, shards)}`;
}

/** Every storage group of a complete-mode result table of `shards` shards. */
export function windowTableGroups(shards: number): string[] {
  return Array.from({ length: shards }, (_, shard) => `table#${shard}`);
}

/**
 * How long pane items (append) and update-mode result items outlive their window's close plus
 * lateness before DynamoDB's TTL removes them, for late firings and audits.
 */
export const WINDOW_ITEM_RETENTION_MS = 24 * 3600 * 1000;

/** When an item whose last window ends at `end` expires (DynamoDB TTL), in epoch seconds: see {@link WINDOW_ITEM_RETENTION_MS}. */
export function windowItemExpiresAtSeconds(spec: WindowSpec, end: number): number {
  return Math.ceil((end + spec.allowedLatenessMs + WINDOW_ITEM_RETENTION_MS) / 1000);
}
