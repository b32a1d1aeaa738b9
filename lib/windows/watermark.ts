import { eventTimeClock, type LedgerEntry } from '../ledger';

/** Whether a partition counts for the watermark: it has a claimed batch, or was active within `idleTimeoutMs`. */
export function isActive(entry: LedgerEntry, now: number, idleTimeoutMs: number): boolean {
  return (
    entry.open !== undefined || (entry.lastActiveAt !== undefined && now - entry.lastActiveAt < idleTimeoutMs)
  );
}

/**
 * The event-time clock the watermark follows: the minimum clock over active partitions;
 * when every partition is idle, the latest clock or processing time minus the idle timeout,
 * whichever is later (so windows of an idle stream still close). `-Infinity` when nothing is known.
 */
export function watermarkClock(
  entries: ReadonlyMap<string, LedgerEntry>,
  now: number,
  idleTimeoutMs: number,
): number {
  let activeMin = Number.POSITIVE_INFINITY;
  let latest = Number.NEGATIVE_INFINITY;
  for (const entry of entries.values()) {
    const clock = eventTimeClock(entry);
    latest = Math.max(latest, clock);
    if (isActive(entry, now, idleTimeoutMs)) activeMin = Math.min(activeMin, clock);
  }
  if (activeMin !== Number.POSITIVE_INFINITY) return activeMin;
  if (entries.size === 0) return Number.NEGATIVE_INFINITY;
  return Math.max(latest, now - idleTimeoutMs);
}
