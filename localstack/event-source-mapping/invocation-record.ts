import { InvocationRecordConstants } from './constants';
import type { FetchedRecord } from './event-builder';
import type { FailureCondition, KinesisInvocationRecord } from './types';

/** What {@link buildInvocationRecord} needs. */
export interface InvocationRecordInput {
  readonly condition: FailureCondition;
  readonly requestId: string;
  readonly functionArn: string;
  readonly approximateInvokeCount: number;
  /**
   * The `responseContext.functionError` of the last invocation; `undefined` leaves out `responseContext`
   * (Lambda does so for `RecordAgeExceeded`).
   */
  readonly functionError: 'Unhandled' | null | undefined;
  readonly timestampMs: number;
  readonly shardId: string;
  readonly streamArn: string;
  /** The discarded records, in shard order (at least one). */
  readonly records: readonly FetchedRecord[];
}

/**
 * Builds the invocation record Lambda sends to a Kinesis mapping's on-failure destination, keys in the
 * documented order ("Retain discarded batch records for a Kinesis Data Streams event source in Lambda").
 */
export function buildInvocationRecord(input: InvocationRecordInput): KinesisInvocationRecord {
  const first = input.records[0];
  const last = input.records[input.records.length - 1];
  if (first === undefined || last === undefined) {
    throw new RangeError('an invocation record needs at least one record');
  }
  const requestContext = {
    requestId: input.requestId,
    functionArn: input.functionArn,
    condition: input.condition,
    approximateInvokeCount: input.approximateInvokeCount,
  };
  const batchInfo = {
    shardId: input.shardId,
    startSequenceNumber: first.sequenceNumber,
    endSequenceNumber: last.sequenceNumber,
    approximateArrivalOfFirstRecord: new Date(first.arrivalMs).toISOString(),
    approximateArrivalOfLastRecord: new Date(last.arrivalMs).toISOString(),
    batchSize: input.records.length,
    streamArn: input.streamArn,
  };
  const common = {
    version: InvocationRecordConstants.version,
    timestamp: new Date(input.timestampMs).toISOString(),
    KinesisBatchInfo: batchInfo,
  };
  if (input.functionError === undefined) return { requestContext, ...common };
  return {
    requestContext,
    responseContext: {
      statusCode: InvocationRecordConstants.statusCode,
      executedVersion: InvocationRecordConstants.executedVersion,
      functionError: input.functionError,
    },
    ...common,
  };
}
