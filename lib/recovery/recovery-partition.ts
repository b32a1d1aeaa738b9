/** Separates a main partition id from the discarded range it recovers. */
const RECOVERY_SEPARATOR = '~recovery~';

/**
 * The partition a discarded range is recovered as: its own ledger item, write-ahead log and fencing
 * marks, so a re-run of recover (or a crash in the middle of one) neither loses nor double counts,
 * whatever the main partition's committed offset. One per range, so ranges can be recovered in any
 * order.
 *
 * @param mainPartition - the main partition id, as the handler builds it (`kinesisPartitionId`)
 * @param startSequenceNumber - the first sequence number of the discarded range
 */
export function recoveryPartitionId(mainPartition: string, startSequenceNumber: string): string {
  return `${mainPartition}${RECOVERY_SEPARATOR}${startSequenceNumber}`;
}
