import { ErrorCode, SparklessError } from '../errors';

const DECIMAL = /^(0|[1-9][0-9]*)$/;
const LENGTH_DIGITS = 3;
const MAX_DIGITS = 10 ** LENGTH_DIGITS - 1;

/**
 * Encodes a decimal offset (a Kinesis sequence number of up to 129 digits, or a Kafka
 * int64 offset) as a string whose lexicographic order equals numeric order: a
 * three-digit length prefix, then the digits. DynamoDB compares strings byte-wise, so
 * conditions such as `committed < :next` compare offsets correctly, which neither a JS
 * number nor a DynamoDB number (38 digits) could for Kinesis sequence numbers.
 *
 * @example
 * encodeOffsetKey('49590338271490256608559692538361571095921575989136588898');
 * // => '05649590338271490256608559692538361571095921575989136588898'
 */
export function encodeOffsetKey(decimal: string): string {
  if (!DECIMAL.test(decimal) || decimal.length > MAX_DIGITS) {
    throw new SparklessError(
      ErrorCode.InvalidOffset,
      `offset must be a non-negative decimal integer without leading zeros (given ${JSON.stringify(decimal)})`,
    );
  }
  return `${String(decimal.length).padStart(LENGTH_DIGITS, '0')}${decimal}`;
}

/** Inverse of {@link encodeOffsetKey}. */
export function decodeOffsetKey(offsetKey: string): string {
  return offsetKey.slice(LENGTH_DIGITS);
}

/** Compares two encoded offsets: negative, zero or positive like `Array.prototype.sort` wants. */
export function compareOffsetKeys(a: string, b: string): number {
  if (a === b) return 0;
  return a < b ? -1 : 1;
}

/** True when `offsetKey` lies strictly above `mark` (an absent mark is below everything). */
export function isAfter(offsetKey: string, mark: string | undefined): boolean {
  return mark === undefined || offsetKey > mark;
}
