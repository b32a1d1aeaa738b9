import type { SourceRecord } from '../../lib/core';

const encoder = new TextEncoder();
/** A 56-digit Kinesis-like sequence number base, so offsets in tests exceed 38 digits. */
const SEQUENCE_BASE = 49590338271490256608559692538361571095921575989136588898n;

/** The sequence number of the `n`-th record of a partition (56 digits, like Kinesis). */
export function sequenceNumber(n: number): string {
  return (SEQUENCE_BASE + BigInt(n) * 1_000_000_000_000n).toString();
}

/**
 * A source record factory: text payload, 56-digit offset `sequenceNumber(n)`.
 *
 * @example textRecord('hello world', { n: 3, partition: 'shardId-000000000001' })
 */
export function textRecord(
  text: string,
  options: { n?: number; partition?: string; arrivalTime?: number } = {},
): SourceRecord {
  const n = options.n ?? 0;
  return {
    partition: options.partition ?? 'shardId-000000000000',
    offset: sequenceNumber(n),
    key: `key-${n}`,
    value: encoder.encode(text),
    arrivalTime: options.arrivalTime ?? 1_700_000_000_000 + n,
  };
}

/** Records for `lines`, numbered consecutively from `firstN`. */
export function textRecords(
  lines: readonly string[],
  options: { firstN?: number; partition?: string } = {},
): SourceRecord[] {
  const first = options.firstN ?? 0;
  return lines.map((line, i) => textRecord(line, { n: first + i, partition: options.partition }));
}

/** A record whose bytes are not valid UTF-8. */
export function malformedRecord(options: { n?: number; partition?: string } = {}): SourceRecord {
  return { ...textRecord('', options), value: new Uint8Array([0xff, 0xfe, 0xc3, 0x28]) };
}
