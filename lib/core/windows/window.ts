/** One window of a windowed result: `[start, end)` in epoch milliseconds. */
export interface Window {
  readonly start: number;
  readonly end: number;
}

/** The key of a windowed, keyed result (Structured Streaming's `window` column plus the key). */
export type Windowed<K> = { readonly window: Window; readonly key: K };
