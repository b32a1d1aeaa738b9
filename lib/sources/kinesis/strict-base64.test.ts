import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { decodeStrictBase64 } from './strict-base64';

const text = (bytes: Uint8Array | undefined) =>
  bytes === undefined ? undefined : Buffer.from(bytes).toString('utf8');

describe('Function: decodeStrictBase64', () => {
  it('decodes what Kinesis sends, with either padding, and the empty string', () => {
    expect(text(decodeStrictBase64('d29yZA=='))).toBe('word');
    expect(text(decodeStrictBase64('d29yZHM='))).toBe('words');
    expect(text(decodeStrictBase64('d29yZHMh'))).toBe('words!');
    expect(decodeStrictBase64('')).toEqual(new Uint8Array(0));
  });

  it.each([
    ['characters outside the alphabet', 'd2!!9y ZA=='],
    ['a space', 'd29y ZA=='],
    ['a line break', 'd29yZA==\n'],
    ['missing padding', 'd29yZA'],
    ['padding in the middle', 'd2==9yZA'],
    ['too much padding', 'd29yZ==='],
    ['the URL-safe alphabet', 'ab-_'],
    ['non-zero bits after the last byte (one byte)', 'd29yZB=='],
    ['non-zero bits after the last byte (two bytes)', 'd29yZHN='],
  ])('refuses %s', (_, encoded) => {
    expect(decodeStrictBase64(encoded)).toBeUndefined();
  });

  it('round-trips random bytes of every length mod 3, up to a 1 MiB record', () => {
    for (const length of [1, 2, 3, 1024 * 1024]) {
      const bytes = randomBytes(length);

      expect(Buffer.from(decodeStrictBase64(bytes.toString('base64')) ?? []).equals(bytes)).toBe(true);
    }
  });
});
