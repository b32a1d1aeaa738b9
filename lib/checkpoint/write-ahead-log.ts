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

interface WalBody {
  readonly records: readonly WalRecord[];
  readonly references?: Readonly<Record<string, string>>;
}

/** What the log holds for one claimed batch. */
export interface LoggedBatch {
  /** The batch's records, in offset order. */
  readonly records: InputRecord[];
  /**
   * Per reference name, the version of the reference data the batch's first attempt read.
   *
   * @default none (no versioned reference data, or a log written before versions were recorded)
   */
  readonly references?: Readonly<Record<string, string>>;
}

/**
 * The write-ahead log: a claimed batch's records and the versions of the reference data it reads,
 * kept in the object store before any of them affects state, so a retry that Lambda cut differently
 * can replay exactly the claimed batch with the same inputs (Spark's receiver WAL, per batch instead
 * of per block).
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

  /** Writes the batch's records and the reference data versions it reads. */
  public async write(
    key: string,
    records: readonly InputRecord[],
    references?: Readonly<Record<string, string>>,
  ): Promise<void> {
    const body: WalBody = {
      records: records.map((record) => ({
        partition: record.partition,
        offset: record.offset,
        offsetKey: record.offsetKey,
        key: record.key ?? null,
        data: Buffer.from(record.value).toString('base64'),
        arrivalTime: record.arrivalTime,
      })),
      ...(references === undefined ? {} : { references }),
    };
    await putJson(this.store, key, body);
  }

  /** Reads a batch back; a missing log is an error (the claim promised it exists). */
  public async read(key: string): Promise<LoggedBatch> {
    const body = await getJson<WalBody | WalRecord[]>(this.store, key);
    if (body === undefined) {
      throw new SparklessError(ErrorCode.WriteAheadLogMissing, `write-ahead log ${key} is missing`);
    }
    // Logs written before reference versions were recorded are a bare array of records.
    const { records, references } = Array.isArray(body) ? { records: body, references: undefined } : body;
    return {
      records: records.map((record) => ({
        partition: record.partition,
        offset: record.offset,
        offsetKey: record.offsetKey,
        key: record.key ?? undefined,
        value: new Uint8Array(Buffer.from(record.data, 'base64')),
        arrivalTime: record.arrivalTime,
      })),
      ...(references === undefined ? {} : { references }),
    };
  }
}
