import type { CombineFn } from '../combine';
import type { WindowSpec } from './window-spec';

/**
 * How a (pane, bucket, key) item is named. The bucket is the end of the first window the
 * item's records could still count for when they were written: records that arrived after
 * some of their windows had closed go to a later bucket, so a closed window's result never
 * changes.
 */
export function paneItemKey(paneStart: number, bucket: number, keyId: string): string {
  return `${paneStart}|${bucket}|${keyId}`;
}

/** Inverse of {@link paneItemKey}. */
export function parsePaneItemKey(itemKey: string): { paneStart: number; bucket: number; keyId: string } {
  const first = itemKey.indexOf('|');
  const second = itemKey.indexOf('|', first + 1);
  return {
    paneStart: Number(itemKey.slice(0, first)),
    bucket: Number(itemKey.slice(first + 1, second)),
    keyId: itemKey.slice(second + 1),
  };
}

/** The storage group of a pane shard: one DynamoDB partition key per (pane, shard). */
export function paneGroup(paneStart: number, shard: number): string {
  return `${paneStart}#${shard}`;
}

/** The shard of a key: FNV-1a of its id, modulo the shard count. */
export function shardOf(keyId: string, shards: number): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < keyId.length; i++) {
    hash ^= keyId.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193);
  }
  return (hash >>> 0) % shards;
}

/** One stored pane accumulator, as read back for firing. */
export interface PaneItem {
  readonly paneStart: number;
  readonly bucket: number;
  readonly keyId: string;
  readonly accumulator: unknown;
}

/**
 * A window's result per key: the merge of the accumulators of its panes whose bucket is at
 * most the window's end, then the combiner's output. Keys are returned in id order, so the
 * result is deterministic.
 */
export function windowResults(
  spec: WindowSpec,
  combineFn: CombineFn<unknown, unknown, unknown>,
  items: readonly PaneItem[],
  end: number,
): Map<string, unknown> {
  const start = end - spec.lengthMs;
  const byKey = new Map<string, unknown[]>();
  const ordered = [...items].sort((a, b) => a.paneStart - b.paneStart || a.bucket - b.bucket);
  for (const item of ordered) {
    if (item.paneStart < start || item.paneStart >= end || item.bucket > end) continue;
    const list = byKey.get(item.keyId) ?? [];
    list.push(item.accumulator);
    byKey.set(item.keyId, list);
  }
  const results = new Map<string, unknown>();
  for (const keyId of [...byKey.keys()].sort()) {
    results.set(keyId, combineFn.extractOutput(combineFn.mergeAccumulators(byKey.get(keyId) as unknown[])));
  }
  return results;
}
