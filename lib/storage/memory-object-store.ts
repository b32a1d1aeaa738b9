import type { ObjectStore } from './object-store';

/** The in-memory twin of {@link S3ObjectStore}, for unit tests. */
export class MemoryObjectStore implements ObjectStore {
  /** The stored objects by key (exposed for assertions). */
  public readonly objects = new Map<string, Uint8Array>();

  public async put(key: string, body: Uint8Array | string): Promise<void> {
    this.objects.set(key, typeof body === 'string' ? new TextEncoder().encode(body) : body.slice());
  }

  public async get(key: string): Promise<Uint8Array | undefined> {
    return this.objects.get(key)?.slice();
  }

  public async delete(key: string): Promise<void> {
    this.objects.delete(key);
  }

  public async list(prefix: string): Promise<string[]> {
    return [...this.objects.keys()].filter((key) => key.startsWith(prefix)).sort();
  }
}
