import { describe, expect, it } from 'vitest';
import { TextFileSourceErrorCode } from './errors';
import { classifyObjectKey, decodeS3EventKey, encodeS3EventKey, ObjectKeyClass } from './object-key';

describe('Function: decodeS3EventKey', () => {
  it.each([
    ['input/a.txt', 'input/a.txt'],
    ['input/hamlet+act+1.txt', 'input/hamlet act 1.txt'],
    ['input/c%2B%2B.txt', 'input/c++.txt'],
    ['input/hamlet+act+1%2Bscene+2.txt', 'input/hamlet act 1+scene 2.txt'],
    ['input/caf%C3%A9%20menu.txt', 'input/café menu.txt'],
    ['input/100%25.txt', 'input/100%.txt'],
    ['input%2Fa.txt', 'input/a.txt'],
  ])('decodes %s as %s', (encoded, key) => {
    expect(decodeS3EventKey(encoded)).toBe(key);
  });

  it('refuses a key that is not valid URL encoding, with a stable code and the cause', () => {
    // Act
    const act = () => decodeS3EventKey('input/100%.txt');

    // Assess
    expect(act).toThrow(/"input\/100%.txt" is not valid URL encoding/);
    expect(act).toThrow(
      expect.objectContaining({
        code: TextFileSourceErrorCode.InvalidObjectKey,
        cause: expect.any(URIError),
      }),
    );
  });
});

describe('Function: encodeS3EventKey', () => {
  it.each(['input/a.txt', 'input/hamlet act 1+scene 2.txt', 'input/café menu (1).txt', 'in put/100%.txt'])(
    'round-trips %s through decodeS3EventKey',
    (key) => {
      expect(decodeS3EventKey(encodeS3EventKey(key))).toBe(key);
    },
  );

  it('encodes spaces as + and keeps slashes, as S3 notifications do', () => {
    expect(encodeS3EventKey('input/my file+1.txt')).toBe('input/my+file%2B1.txt');
  });
});

describe('Function: classifyObjectKey', () => {
  it.each([
    ['input/a.txt', ObjectKeyClass.Input],
    ['input/2026/11/a.txt', ObjectKeyClass.Input],
    ['output/a.txt', ObjectKeyClass.OutsidePrefix],
    ['inputs/a.txt', ObjectKeyClass.OutsidePrefix],
    ['input/', ObjectKeyClass.DirectoryMarker],
    ['input/2026/', ObjectKeyClass.DirectoryMarker],
    ['input/.a.txt.tmp', ObjectKeyClass.HiddenFile],
    ['input/2026/.partial', ObjectKeyClass.HiddenFile],
  ])('classifies %s under "input/" as %s', (key, expected) => {
    expect(classifyObjectKey(key, 'input/')).toBe(expected);
  });

  it('takes every key with an empty prefix', () => {
    expect(classifyObjectKey('a.txt', '')).toBe(ObjectKeyClass.Input);
  });
});
