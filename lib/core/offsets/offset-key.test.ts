import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ErrorCode } from '../errors';
import { compareOffsetKeys, decodeOffsetKey, encodeOffsetKey } from './offset-key';

describe('Function: encodeOffsetKey', () => {
  it('orders encoded offsets exactly as the numbers they stand for, beyond 38 digits', () => {
    fc.assert(
      fc.property(
        fc.bigInt({ min: 0n, max: 10n ** 129n - 1n }),
        fc.bigInt({ min: 0n, max: 10n ** 129n - 1n }),
        (a, b) => {
          const numeric = a < b ? -1 : a > b ? 1 : 0;
          expect(compareOffsetKeys(encodeOffsetKey(a.toString()), encodeOffsetKey(b.toString()))).toBe(
            numeric,
          );
        },
      ),
    );
  });

  it('round-trips a 56-digit Kinesis sequence number', () => {
    const sequence = '49590338271490256608559692538361571095921575989136588898';
    expect(decodeOffsetKey(encodeOffsetKey(sequence))).toBe(sequence);
  });

  it.each(['', '-1', '01', '1.5', 'abc'])('rejects %j with INVALID_OFFSET', (bad) => {
    expect(() => encodeOffsetKey(bad)).toThrow(expect.objectContaining({ code: ErrorCode.InvalidOffset }));
  });
});
