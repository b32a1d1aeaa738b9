/**
 * A batch claimed by an attempt and not yet committed. Its records are in the write-ahead
 * log under `walKey`, so any later attempt can finish it with the same batch id and time,
 * whatever slice of the stream Lambda redelivers.
 */
export interface OpenBatch {
  /** The batch's number within the partition (the batch id is `<partition>/<batchNumber>`). */
  readonly batchNumber: number;
  /** Offset key of the first record. */
  readonly firstOffsetKey: string;
  /** Offset key of the last record. */
  readonly lastOffsetKey: string;
  /** Where the batch's records are in the write-ahead log. */
  readonly walKey: string;
  /** The batch time fixed by the claim, in epoch milliseconds. */
  readonly batchTime: number;
}

/**
 * A partition's progress: the committed offset (records at or below it are done), the
 * next batch number, and the open batch if an attempt claimed one and has not committed.
 */
export interface LedgerEntry {
  /** Incremented by every write; 0 when the partition has never been seen. */
  readonly version: number;
  /** Offset key of the last committed record, if any. */
  readonly committedOffsetKey: string | undefined;
  /** The number the next claimed batch gets. */
  readonly nextBatchNumber: number;
  /** The claimed, uncommitted batch, if any. */
  readonly open: OpenBatch | undefined;
  /** The latest event time (epoch ms) committed on the partition by a windowed operator's input. */
  readonly maxEventTime: number | undefined;
  /**
   * A lower bound of the partition's event-time clock set by a window firer while the partition was
   * idle: windows the firer closed are closed for this partition's later records too.
   */
  readonly eventTimeFloor: number | undefined;
  /** Processing time (epoch ms) of the partition's last registration or commit: idleness is measured from it. */
  readonly lastActiveAt: number | undefined;
  /**
   * Offset key of the first record this ledger ever claimed: a delivery wholly at or below the
   * committed offset that reaches below it cannot be a redelivery (see `BatchExecutor`).
   *
   * @default absent: nothing claimed yet, or a ledger adopted from an older format, whose origin is unknown
   */
  readonly originOffsetKey?: string;
  /**
   * The latest arrival time (epoch ms) of the records this ledger committed, kept once it knows its
   * origin: a record at or below the committed offset that arrived later cannot be a redelivery.
   *
   * @default absent: nothing committed yet, or no origin known
   */
  readonly maxArrivalTime?: number;
  /**
   * Set on a ledger of an older partition-id format once the partition with this id has adopted it:
   * the ledger is kept (so a late attempt of the old code still sees its committed offset) but no
   * longer counts as a partition ({@link PartitionLedgerStore.readAll} leaves it out).
   *
   * @default absent
   */
  readonly movedTo?: string;
  /**
   * The older-format id whose ledger this one adopted: state items may carry fencing marks under
   * that id, and they are honoured as this partition's own.
   *
   * @default absent
   */
  readonly migratedFrom?: string;
}

/** The partition's event-time clock: its latest committed event time, or its floor when higher. */
export function eventTimeClock(entry: LedgerEntry): number {
  return Math.max(
    entry.maxEventTime ?? Number.NEGATIVE_INFINITY,
    entry.eventTimeFloor ?? Number.NEGATIVE_INFINITY,
  );
}

/** The ledger of a partition that has never been seen. */
export const EMPTY_LEDGER: LedgerEntry = {
  version: 0,
  committedOffsetKey: undefined,
  nextBatchNumber: 0,
  open: undefined,
  maxEventTime: undefined,
  eventTimeFloor: undefined,
  lastActiveAt: undefined,
};

/**
 * The port for per-partition ledgers. Writes are compare-and-set on the version, and the
 * committed offset never moves backwards.
 */
export interface PartitionLedgerStore {
  /** Strongly consistent read; a partition never seen reads as {@link EMPTY_LEDGER}. */
  read(partition: string): Promise<LedgerEntry>;
  /** Writes `next` if the stored version equals `expectedVersion`; false when someone else wrote first. */
  write(partition: string, next: LedgerEntry, expectedVersion: number): Promise<boolean>;
  /**
   * Every partition's ledger (strongly consistent), leaving out ledgers that moved to another id
   * ({@link LedgerEntry.movedTo}): window firers compute the watermark from it.
   */
  readAll(): Promise<Map<string, LedgerEntry>>;
}
