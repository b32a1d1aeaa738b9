import type { LoggedBatchKey, WriteAheadLog } from '../checkpoint';
import { decodeOffsetKey } from '../core';
import type { PartitionLedgerStore } from '../ledger';
import { RecoveryUndecidableError } from './errors';

/** What {@link offsetsClaimedByPartition} reads. */
export interface PartitionClaimsPorts {
  readonly ledger: PartitionLedgerStore;
  readonly writeAheadLog: WriteAheadLog;
}

/**
 * The offset keys within `[firstOffsetKey, lastOffsetKey]` that `partition` has processed: the
 * records of every batch it committed, plus those of its open claim (its next delivery replays that
 * claim, so they are its records too).
 *
 * The rule, from the executor's protocol: a partition processes exactly the records of its claims,
 * each claim's records are in its write-ahead log, and batch `n`'s claim starts after batch `n - 1`'s
 * last offset. Several logs may exist for batch `n` (attempts that lost the claim's compare-and-set, or
 * crashed before it); the claimed one ends at batch `n`'s committed offset, which the ledger holds for
 * the latest batch and every log of batch `n + 1` records as `after`. So the walk goes down from the
 * latest batch, one committed offset at a time, and reads a log only when its batch can overlap the
 * range; when a log it needs is gone (expired), it refuses instead of guessing.
 *
 * @throws {@link RecoveryUndecidableError} when a needed log is missing or ambiguous
 */
export async function offsetsClaimedByPartition(
  ports: PartitionClaimsPorts,
  partition: string,
  firstOffsetKey: string,
  lastOffsetKey: string,
): Promise<Set<string>> {
  const inRange = (offsetKey: string) => offsetKey >= firstOffsetKey && offsetKey <= lastOffsetKey;
  const claimed = new Set<string>();
  const ledger = await ports.ledger.read(partition);
  if (ledger.open !== undefined && ledger.open.lastOffsetKey >= firstOffsetKey) {
    const open = await ports.writeAheadLog.read(ledger.open.walKey);
    for (const record of open.records) if (inRange(record.offsetKey)) claimed.add(record.offsetKey);
  }
  const logs = groupByBatch(await ports.writeAheadLog.list(partition));
  let last: string | null | undefined = ledger.committedOffsetKey;
  for (
    let n = ledger.nextBatchNumber - 1;
    n >= 0 && typeof last === 'string' && last >= firstOffsetKey;
    n--
  ) {
    const log = (logs.get(n) ?? []).find((candidate) => candidate.lastOffsetKey === last);
    if (log === undefined) {
      throw new RecoveryUndecidableError(
        partition,
        `the write-ahead log of batch ${n} (ending at offset ${decodeOffsetKey(last)}) is missing`,
      );
    }
    const before = logs.get(n - 1) ?? [];
    // Batch n starts after batch n - 1's last offset: known from the key when n - 1 has one log.
    let previous: string | null | undefined =
      n === 0 ? null : before.length === 1 ? before[0]?.lastOffsetKey : undefined;
    if (previous === undefined || previous === null || previous < lastOffsetKey) {
      const body = await ports.writeAheadLog.read(log.key);
      for (const record of body.records) if (inRange(record.offsetKey)) claimed.add(record.offsetKey);
      if (body.after !== undefined) previous = body.after;
      else if (previous === undefined) {
        throw new RecoveryUndecidableError(
          partition,
          `batch ${n - 1} has ${before.length} write-ahead logs, and batch ${n}'s log was written before logs recorded where the previous batch ended`,
        );
      }
    }
    last = previous;
  }
  return claimed;
}

function groupByBatch(keys: readonly LoggedBatchKey[]): Map<number, LoggedBatchKey[]> {
  const byBatch = new Map<number, LoggedBatchKey[]>();
  for (const key of keys) {
    const list = byBatch.get(key.batchNumber) ?? [];
    list.push(key);
    byBatch.set(key.batchNumber, list);
  }
  return byBatch;
}
