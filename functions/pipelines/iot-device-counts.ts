import { decodeJson, OutputMode, type Pipeline, pipeline, tumblingWindows } from '../../lib/core';
import type { TableSink } from '../../lib/sinks';
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

/** Reads a device event, or throws (the record is dead-lettered with the reason) when a field is missing. */
export function parseDeviceEvent(bytes: Uint8Array): DeviceEvent {
  const event = decodeJson<Partial<DeviceEvent>>(bytes);
  if (typeof event.time !== 'number' || !Number.isFinite(event.time) || typeof event.action !== 'string') {
    throw new Error('a device event needs a numeric "time" (epoch ms) and a string "action"');
  }
  return { time: event.time, action: event.action };
}

/**
 * The Databricks seed's streaming counts, `groupBy(window(time, "1 hour"), action).count()` in
 * complete output mode: after every batch the whole result table (every hour, every action, however
 * late its events came) is written into a queryable table (`action`, `window`, `count`). Rows carry
 * their revision as the sink's sequence, so a stale or replayed row never overwrites a newer count;
 * an action the table can never hold (above DynamoDB's key limits) is dead-lettered, not retried forever.
 * The table's first rows are printed Spark-style.
 *
 * @param table the result table, resolved when a batch writes; by default the pipeline's result table
 * (`SPARKLESS_RESULT_TABLE`), one client per container
 */
export function createIotDeviceCounts(table: () => TableSink = resultTable): Pipeline {
  const countsByHour = pipeline('iot-device-counts')
    .fromKinesis()
    .map((record) => parseDeviceEvent(record.value))
    .withTimestamps((event) => event.time)
    .mapToPair((event) => [event.action, 1])
    .reduceByKeyAndWindow((a, b) => a + b, HOUR, {
      outputMode: OutputMode.Complete,
      name: 'action-counts-by-hour',
    });
  countsByHour.foreachBatch(async (rows, context) => {
    await table().upsert(
      rows.map(({ window, key: action, value: count, revision }) => ({
        key: { action, window: new Date(window.start).toISOString() },
        attributes: { count, windowStart: window.start, windowEnd: window.end },
        sequence: revision,
      })),
      { deadLetters: context },
    );
  });
  return countsByHour
    .map(({ window, key, value }) => [new Date(window.start).toISOString(), key, value] as const)
    .print(20);
}

/** The IoT device counts pipeline as deployed: see {@link createIotDeviceCounts}. */
export const iotDeviceCounts = createIotDeviceCounts();
