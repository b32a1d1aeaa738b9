/** How Lambda reads a function's response when `ReportBatchItemFailures` is on. */
export type BatchResponseVerdict =
  | { readonly kind: 'success' }
  | { readonly kind: 'partialFailure'; readonly firstFailedIndex: number }
  | { readonly kind: 'completeFailure'; readonly reason: string };

/**
 * Interprets a partial batch response ("Configuring partial batch response with Kinesis Data Streams and
 * Lambda", success and failure conditions):
 * - complete success: a null/empty response, a response without `batchItemFailures`, or a null/empty list;
 * - complete failure: an entry without `itemIdentifier` (a bad key name), with a null or empty one, or with one
 *   that is not the sequence number of a record of this batch (AWS-validated: `itemIdentifier: 123`);
 * - otherwise a partial failure: Lambda checkpoints before the lowest failed sequence number and retries from it.
 *
 * @param sequenceNumbers the batch's sequence numbers in order
 */
export function interpretBatchResponse(
  response: unknown,
  sequenceNumbers: readonly string[],
): BatchResponseVerdict {
  if (!isObject(response)) return { kind: 'success' };
  const failures = response.batchItemFailures;
  if (failures === undefined || failures === null) return { kind: 'success' };
  if (!Array.isArray(failures)) {
    return { kind: 'completeFailure', reason: 'batchItemFailures is not a list' };
  }
  if (failures.length === 0) return { kind: 'success' };
  const indexOf = new Map(sequenceNumbers.map((sequenceNumber, index) => [sequenceNumber, index] as const));
  let firstFailedIndex = Number.POSITIVE_INFINITY;
  for (const failure of failures) {
    if (!isObject(failure) || !('itemIdentifier' in failure)) {
      return { kind: 'completeFailure', reason: 'a batchItemFailures entry has no itemIdentifier' };
    }
    const identifier = failure.itemIdentifier;
    if (identifier === null || identifier === undefined || identifier === '') {
      return { kind: 'completeFailure', reason: 'an itemIdentifier is null or empty' };
    }
    const index = typeof identifier === 'string' ? indexOf.get(identifier) : undefined;
    if (index === undefined) {
      return {
        kind: 'completeFailure',
        reason: `itemIdentifier ${JSON.stringify(identifier)} is not the sequence number of a record of the batch`,
      };
    }
    firstFailedIndex = Math.min(firstFailedIndex, index);
  }
  return { kind: 'partialFailure', firstFailedIndex };
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
