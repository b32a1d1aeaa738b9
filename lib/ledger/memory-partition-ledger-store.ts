import { EMPTY_LEDGER, type LedgerEntry, type PartitionLedgerStore } from './partition-ledger';

/** The in-memory twin of {@link DynamoDbPartitionLedgerStore}. */
export class MemoryPartitionLedgerStore implements PartitionLedgerStore {
  private readonly entries = new Map<string, LedgerEntry>();

  public async read(partition: string): Promise<LedgerEntry> {
    return this.entries.get(partition) ?? EMPTY_LEDGER;
  }

  public async write(partition: string, next: LedgerEntry, expectedVersion: number): Promise<boolean> {
    const current = this.entries.get(partition) ?? EMPTY_LEDGER;
    if (current.version !== expectedVersion) return false;
    if (
      current.committedOffsetKey !== undefined &&
      (next.committedOffsetKey === undefined || next.committedOffsetKey < current.committedOffsetKey)
    ) {
      return false;
    }
    this.entries.set(partition, next);
    return true;
  }

  public async readAll(): Promise<Map<string, LedgerEntry>> {
    return new Map([...this.entries].filter(([, entry]) => entry.movedTo === undefined));
  }
}
