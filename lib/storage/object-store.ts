/**
 * The port for blob storage (S3 in AWS, a map in tests). Sparkless only ever writes objects
 * whose key determines their content, so a retried put rewrites identical bytes: no
 * conditional writes are needed (and S3 emulators lack them).
 */
export interface ObjectStore {
  /** Writes (or overwrites) `key`. */
  put(key: string, body: Uint8Array | string, contentType?: string): Promise<void>;
  /** Reads `key`, or `undefined` when it does not exist. */
  get(key: string): Promise<Uint8Array | undefined>;
  /** Lists every key under `prefix`, in lexicographic order. */
  list(prefix: string): Promise<string[]>;
  /** Deletes `key` (nothing happens when it does not exist). */
  delete(key: string): Promise<void>;
}

/** Reads and parses a JSON object, or `undefined` when absent. */
export async function getJson<T>(store: ObjectStore, key: string): Promise<T | undefined> {
  const body = await store.get(key);
  return body === undefined ? undefined : (JSON.parse(new TextDecoder().decode(body)) as T);
}

/** Serializes and writes a JSON object. */
export async function putJson(store: ObjectStore, key: string, value: unknown): Promise<void> {
  await store.put(key, JSON.stringify(value), 'application/json');
}
