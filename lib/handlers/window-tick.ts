/** The scheduled trigger's payload (`{ "sparkless": "tick" }`, sent by the construct's EventBridge rule). */
export const WINDOW_TICK = { sparkless: 'tick' } as const;

/** The scheduled window trigger's event. */
export type WindowTickEvent = typeof WINDOW_TICK;

/** Whether an invocation is the scheduled trigger (fire due windows, sweep due timeouts) rather than input. */
export function isWindowTick(event: unknown): event is WindowTickEvent {
  return (event as { sparkless?: unknown } | null)?.sparkless === WINDOW_TICK.sparkless;
}
