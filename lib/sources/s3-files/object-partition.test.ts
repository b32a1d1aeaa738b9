import { describe, expect, it } from 'vitest';
import { MAX_PARTITION_ID_LENGTH, normalizeETag, objectPartition } from './object-partition';

describe('Function: objectPartition', () => {
  it('never gives an id longer than MAX_PARTITION_ID_LENGTH bytes, whatever the key, ETag and version id', () => {
    // Prepare: the longest kept as they are, and longer or unusual ones (hashed)
    const longest = objectPartition('k'.repeat(512), 'e'.repeat(64), 'v'.repeat(64));
    const others = [
      objectPartition('k'.repeat(513), 'e'.repeat(65), 'v'.repeat(65)),
      objectPartition('é'.repeat(1_024), '"etag"', 'x'.repeat(1_024)),
    ];

    // Assess
    expect(Buffer.byteLength(longest)).toBe(MAX_PARTITION_ID_LENGTH);
    for (const id of others) expect(Buffer.byteLength(id)).toBeLessThan(MAX_PARTITION_ID_LENGTH);
  });

  it('is s3:<key>#<etag without quotes> for a key of safe characters', () => {
    expect(objectPartition('input/a.txt', '"9b2cf535f27731c974343645a3985328"')).toBe(
      's3:input/a.txt#9b2cf535f27731c974343645a3985328',
    );
  });

  it('keeps multipart ETags', () => {
    expect(objectPartition('input/big.txt', '"d41d8cd98f00b204e9800998ecf8427e-12"')).toBe(
      's3:input/big.txt#d41d8cd98f00b204e9800998ecf8427e-12',
    );
  });

  it('changes with the ETag: a new version of a file is a new partition', () => {
    expect(objectPartition('input/a.txt', 'aaa')).not.toBe(objectPartition('input/a.txt', 'bbb'));
  });

  it.each([
    ['input/my file.txt', /^s3:input\/my_file\.txt~[0-9a-f]{16}#abc$/],
    ['input/café.txt', /^s3:input\/caf_\.txt~[0-9a-f]{16}#abc$/],
    ['input/a#b:c.txt', /^s3:input\/a_b_c\.txt~[0-9a-f]{16}#abc$/],
    ['input//a.txt', /^s3:input\/_\/a\.txt~[0-9a-f]{16}#abc$/],
    ['input/../a.txt', /^s3:input\/_\/a\.txt~[0-9a-f]{16}#abc$/],
  ])('sanitizes %s and keeps it unique with a hash', (key, pattern) => {
    expect(objectPartition(key, 'abc')).toMatch(pattern);
  });

  it('keeps keys that sanitize alike apart', () => {
    expect(objectPartition('input/a b.txt', 'abc')).not.toBe(objectPartition('input/a:b.txt', 'abc'));
  });

  it('bounds the length of long keys', () => {
    // Prepare
    const key = `input/${'x'.repeat(1000)}`;

    // Act
    const partition = objectPartition(key, 'abc');

    // Assess
    expect(partition.length).toBeLessThanOrEqual(3 + 200 + 17 + 4);
    expect(partition).toMatch(/^s3:input\/x+~[0-9a-f]{16}#abc$/);
  });

  it('appends the version id in a versioned bucket: versions with the same content are apart', () => {
    expect(objectPartition('input/a.txt', 'abc', '3HL4kqtJlcpXroDTDmjVBH40Nrjfkd.1_-')).toBe(
      's3:input/a.txt#abc#3HL4kqtJlcpXroDTDmjVBH40Nrjfkd.1_-',
    );
    expect(objectPartition('input/a.txt', 'abc', 'v1')).not.toBe(objectPartition('input/a.txt', 'abc', 'v2'));
  });

  it.each([undefined, '', 'null'])('has no version part for the version id %j (unversioned)', (versionId) => {
    expect(objectPartition('input/a.txt', 'abc', versionId)).toBe('s3:input/a.txt#abc');
  });

  it('hashes a version id with unusual characters', () => {
    expect(objectPartition('input/a.txt', 'abc', 'v/1+2')).toMatch(/^s3:input\/a\.txt#abc#~[0-9a-f]{32}$/);
  });

  it('hashes an ETag with unusual characters', () => {
    expect(objectPartition('input/a.txt', 'W/"ab/cd"')).toMatch(/^s3:input\/a\.txt#~[0-9a-f]{32}$/);
  });
});

describe('Function: normalizeETag', () => {
  it.each([
    ['"abc"', 'abc'],
    ['abc', 'abc'],
    [' "abc-2" ', 'abc-2'],
  ])('normalizes %s to %s', (given, expected) => {
    expect(normalizeETag(given)).toBe(expected);
  });
});
