import { InvalidConfigurationError } from '../core';

/** The scheduled trigger's payload (`{ "sparkless": "tick" }`, sent by the construct's EventBridge rule). */
export const WINDOW_TICK = { sparkless: 'tick' } as const;

/** The scheduled window trigger's event. */
export type WindowTickEvent = typeof WINDOW_TICK;

/** Whether an invocation is the scheduled trigger (fire due windows, sweep due timeouts) rather than input. */
export function isWindowTick(event: unknown): event is WindowTickEvent {
  return (event as { sparkless?: unknown } | null)?.sparkless === WINDOW_TICK.sparkless;
}

/**
 * Whether `event` is a batch of records from `eventSource` (`aws:kinesis`, `aws:s3`): it has a
 * `Records` array and not every record names another event source. Records without an
 * `eventSource` count as the expected kind (their envelopes are checked one by one).
 */
export function isRecordsEvent(event: unknown, eventSource: string): boolean {
  const records = (event as { Records?: unknown } | null | undefined)?.Records;
  if (!Array.isArray(records)) return false;
  const sources = records.map((record) => (record as { eventSource?: unknown } | null)?.eventSource);
  return (
    records.length === 0 || sources.some((source) => typeof source !== 'string' || source === eventSource)
  );
}

/**
 * The error for an invocation that is neither the handler's input nor the window trigger: it names
 * what arrived (an EventBridge or Scheduler event, another source's records) and both expected inputs,
 * so a rule or schedule wired with its default payload is fixed by setting its input to the tick.
 *
 * @param expected what the handler reads, e.g. `a Kinesis batch (Records from a Kinesis event source mapping)`
 */
export function unexpectedEventError(event: unknown, expected: string): InvalidConfigurationError {
  return new InvalidConfigurationError(
    `the handler received ${describeEvent(event)}, which is neither ${expected} nor the scheduled window trigger ${JSON.stringify(WINDOW_TICK)}: ` +
      `give the EventBridge rule or EventBridge Scheduler schedule that invokes it the constant input ${JSON.stringify(WINDOW_TICK)} ` +
      `(the StreamingPipeline construct's rule does), or wire the function to its event source`,
  );
}

function describeEvent(event: unknown): string {
  if (typeof event !== 'object' || event === null) return `a ${event === null ? 'null' : typeof event} event`;
  const { source, 'detail-type': detailType, Records: records } = event as Record<string, unknown>;
  if (typeof source === 'string' && typeof detailType === 'string')
    return `an EventBridge event ("${detailType}" from ${source})`;
  if (Array.isArray(records)) {
    const sources = new Set(
      records.map((record) => String((record as { eventSource?: unknown } | null)?.eventSource)),
    );
    return `records from ${[...sources].join(', ')}`;
  }
  const keys = Object.keys(event);
  return keys.length === 0 ? 'an empty event {}' : `an event with keys ${keys.slice(0, 5).join(', ')}`;
}
