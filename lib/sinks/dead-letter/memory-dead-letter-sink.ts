import type { DeadLetterEntry, DeadLetterSink } from './dead-letter-sink';

/** The in-memory twin of the dead-letter place: entries by id (a retry overwrites). */
export class MemoryDeadLetterSink implements DeadLetterSink {
  public readonly entries = new Map<string, DeadLetterEntry>();

  public async send(entries: readonly DeadLetterEntry[]): Promise<void> {
    for (const entry of entries) this.entries.set(entry.id, entry);
  }
}
