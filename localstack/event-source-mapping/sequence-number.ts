/**
 * Kinesis sequence numbers are decimal strings of up to 129 digits (56 in practice): never a JS number.
 * Compares them numerically.
 *
 * @example
 * compareSequenceNumbers('49590338271490256608559692538361571095921575989136588898', '9') // 1
 */
export function compareSequenceNumbers(a: string, b: string): -1 | 0 | 1 {
  const x = BigInt(a);
  const y = BigInt(b);
  if (x === y) return 0;
  return x < y ? -1 : 1;
}
