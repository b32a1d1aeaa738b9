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
  /** The partition's committed offset key when the batch was claimed (`null`: nothing committed yet). */
  readonly after?: string | null;
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
  /**
   * The partition's committed offset key when the batch was claimed: the last offset of the batch
   * before (`null` for a partition's first batch). Every attempt that logs batch `n` read the same
   * ledger, so all logs of batch `n` agree on it, which tells which log of batch `n - 1` was the
   * committed one (see `lib/recovery`).
   *
   * @default absent in logs written before it was recorded
   */
  readonly after?: string | null;
}

/** A log object's batch number and last offset key, parsed from its key. */
export interface LoggedBatchKey {
  readonly key: string;
  readonly batchNumber: number;
  readonly lastOffsetKey: string;
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
    return `${this.prefixOf(partition)}${String(batchNumber).padStart(12, '0')}-${lastOffsetKey}.json`;
  }

  /**
   * Every log object of a partition (claimed batches, and attempts that lost their claim), with
   * the batch number and last offset key from its key, in key order (batch number, then offset).
   */
  public async list(partition: string): Promise<LoggedBatchKey[]> {
    const prefix = this.prefixOf(partition);
    const out: LoggedBatchKey[] = [];
    for (const key of await this.store.list(prefix)) {
      const match = /^(\d{12})-(.+)\.json$/.exec(key.slice(prefix.length));
      if (match === null || match[1] === undefined || match[2] === undefined) continue;
      out.push({ key, batchNumber: Number(match[1]), lastOffsetKey: match[2] });
    }
    return out;
  }

  private prefixOf(partition: string): string {
    return `wal/${this.namespace}/${partition}/`;
  }

  /**
   * Writes the batch's records, the reference data versions it reads and the partition's committed
   * offset key at claim time (`claim.after`).
   */
  public async write(
    key: string,
    records: readonly InputRecord[],
    references?: Readonly<Record<string, string>>,
    claim?: { readonly after: string | undefined },
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
      ...(claim === undefined ? {} : { after: claim.after ?? null }),
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
    const { records, references, after } = Array.isArray(body)
      ? { records: body, references: undefined, after: undefined }
      : body;
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
      ...(after === undefined ? {} : { after }),
    };
  }
}
