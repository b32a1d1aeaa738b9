import { ErrorCode, type InputRecord, SparklessError } from '../core';
import { getJson, type ObjectStore, putJson } from '../storage';

interface WalRecord {
  readonly partition: string;
  readonly offset: string;
  readonly offsetKey: string;
  readonly key: string | null;
  readonly data: string;
  readonly arrivalTime: number;
}

/**
 * The write-ahead log: a claimed batch's records, kept in the object store before any of
 * them affects state, so a retry that Lambda cut differently can replay exactly the
 * claimed batch (Spark's receiver WAL, per batch instead of per block).
 */
export class WriteAheadLog {
  public constructor(
    private readonly store: ObjectStore,
    private readonly namespace: string,
  ) {}

  /** The object key of a batch's log: unique per batch number and range, so attempts never overwrite each other. */
  public keyFor(partition: string, batchNumber: number, lastOffsetKey: string): string {
    return `wal/${this.namespace}/${partition}/${String(batchNumber).padStart(12, '0')}-${lastOffsetKey}.json`;
  }

  /** Writes the batch's records. */
  public async write(key: string, records: readonly InputRecord[]): Promise<void> {
    const body: WalRecord[] = records.map((record) => ({
      partition: record.partition,
      offset: record.offset,
      offsetKey: record.offsetKey,
      key: record.key ?? null,
      data: Buffer.from(record.value).toString('base64'),
      arrivalTime: record.arrivalTime,
    }));
    await putJson(this.store, key, body);
  }

  /** Reads a batch's records back; a missing log is an error (the claim promised it exists). */
  public async read(key: string): Promise<InputRecord[]> {
    const body = await getJson<WalRecord[]>(this.store, key);
    if (body === undefined) {
      throw new SparklessError(ErrorCode.WriteAheadLogMissing, `write-ahead log ${key} is missing`);
    }
    return body.map((record) => ({
      partition: record.partition,
      offset: record.offset,
      offsetKey: record.offsetKey,
      key: record.key ?? undefined,
      value: new Uint8Array(Buffer.from(record.data, 'base64')),
      arrivalTime: record.arrivalTime,
    }));
  }
}
