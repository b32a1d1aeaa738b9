import { decodeJson, pipeline, tumblingWindows } from '../../lib/core';
import { resultTable } from './result-table';

/** One IoT device event (the Databricks example's `events` dataset). */
export interface DeviceEvent {
  /** Event time, epoch milliseconds. */
  readonly time: number;
  /** What the device did, e.g. `Open` or `Close`. */
  readonly action: string;
}

/** The hourly windows the counts are grouped by. */
export const HOUR = tumblingWindows({ lengthMs: 3_600_000, allowedLatenessMs: 0 });

/**
 * The Databricks seed's streaming counts: events per action per hour of event time, kept as keyed
 * state and written after every batch into a queryable result table (`action`, `window`, `count`),
 * so the table always holds the complete result, as Structured Streaming's complete output mode
 * into a memory table does. Rows are versioned by their count, so replays write nothing new.
 */
const countsByHour = pipeline('iot-device-counts')
  .fromKinesis()
  .map((record) => decodeJson<DeviceEvent>(record.value))
  .filter((event) => typeof event.time === 'number' && typeof event.action === 'string')
  .mapToPair((event) => [[Math.floor(event.time / HOUR.lengthMs) * HOUR.lengthMs, event.action] as const, 1])
  .updateStateByKey<number>((values, state = 0) => values.reduce((sum, one) => sum + one, state), {
    name: 'action-counts-by-hour',
  });

countsByHour.foreachBatch(async (rows) => {
  await resultTable().upsert(
    rows.map(([[windowStart, action], count]) => ({
      key: { action, window: new Date(windowStart).toISOString() },
      attributes: { count, windowStart, windowEnd: windowStart + HOUR.lengthMs },
      sequence: count,
    })),
  );
});

/** The IoT device counts pipeline: result table plus a Spark-style print of the updated rows. */
export const iotDeviceCounts = countsByHour.print();
