import type { InputRecord } from '../records';

/**
 * Where an element came from: one input record, or (after a per-batch aggregation) several.
 * Its `offsetKey` is the highest contributing offset: the fencing mark a stateful operator
 * records once it has folded the element.
 */
export type Origin = InputRecord | AggregateOrigin;

/** The origin of an element computed from several records. */
export interface AggregateOrigin {
  /** The contributing records, in offset order. */
  readonly records: readonly InputRecord[];
  /** The highest contributing offset key. */
  readonly offsetKey: string;
}

/** A value flowing through the evaluator, with its provenance. */
export interface Element {
  readonly value: unknown;
  readonly origin: Origin;
  /** Event time in epoch ms: the record's arrival time unless `withTimestamps` set it; the latest of an aggregate's inputs. */
  readonly eventTime: number;
}

/** The latest event time of some elements (`-Infinity` for none). */
export function latestEventTime(elements: readonly { readonly eventTime: number }[]): number {
  let latest = Number.NEGATIVE_INFINITY;
  for (const element of elements) if (element.eventTime > latest) latest = element.eventTime;
  return latest;
}

/** The records an origin stands for. */
export function originRecords(origin: Origin): readonly InputRecord[] {
  return 'records' in origin ? origin.records : [origin];
}

/**
 * Merges origins into one aggregate origin: records deduplicated, in offset order, and the highest
 * offset key of the origins as its mark. Origins usually arrive in offset order already (one pass,
 * no sort); a sort runs only when not.
 */
export function mergeOrigins(origins: readonly Origin[]): Origin {
  if (origins.length === 1 && origins[0] !== undefined) return origins[0];
  const records: InputRecord[] = [];
  let ordered = true;
  let offsetKey = '';
  for (const origin of origins) {
    // The origin's own key, not only its records': a firing's origin has no records, only its mark.
    if (origin.offsetKey > offsetKey) offsetKey = origin.offsetKey;
    for (const record of originRecords(origin)) {
      const last = records[records.length - 1];
      if (last === record) continue;
      if (last !== undefined && record.offsetKey < last.offsetKey) ordered = false;
      records.push(record);
    }
  }
  return { records: ordered ? records : dedupeSorted(records), offsetKey };
}

function dedupeSorted(records: readonly InputRecord[]): InputRecord[] {
  const unique = [...new Set(records)];
  return unique.sort((a, b) => (a.offsetKey < b.offsetKey ? -1 : a.offsetKey > b.offsetKey ? 1 : 0));
}
