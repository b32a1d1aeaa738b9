import { describe, expect, it } from 'vitest';
import { objectPartition } from '../../sources/s3-files';
import { TextFileSinkErrorCode } from './errors';
import { parseTextFilePath, validateTextFilePrefix } from './text-file-path';

describe('Function: parseTextFilePath', () => {
  it('keeps the key of an s3:// URL as it is, slashes included', () => {
    const location = parseTextFilePath('S3://results/a//b/part-0', { defaultBucket: 'pipeline' });

    expect(location).toEqual({ bucket: 'results', key: 'a//b/part-0' });
  });

  it('refuses the late-data place by default, where the late-data sink writes', () => {
    expect(() => parseTextFilePath('late-data/x-1/part-0', { defaultBucket: 'p' })).toThrow(
      /lies under "late-data\/"/,
    );
  });

  it('refuses state/, where states too large for a DynamoDB item are kept', () => {
    expect(() => parseTextFilePath('state/x-1/part-0', { defaultBucket: 'p' })).toThrow(
      /lies under "state\/"/,
    );
  });

  it('honours custom reserved prefixes', () => {
    const parse = () =>
      parseTextFilePath('input/x-1/part-0', { defaultBucket: 'p', reservedKeyPrefixes: ['input/'] });

    expect(parse).toThrow(/lies under "input\/"/);
  });
});

describe('Function: validateTextFilePrefix', () => {
  it('accepts prefixes under which every batch can write', () => {
    expect(() => validateTextFilePrefix('s3://results/counts/words', { defaultBucket: 'p' })).not.toThrow();
    expect(() => validateTextFilePrefix('out/words', { defaultBucket: 'p' })).not.toThrow();
  });

  it('refuses an s3:// prefix without a key part, which would name a new bucket per batch', () => {
    expect(() => validateTextFilePrefix('s3://results', { defaultBucket: 'p' })).toThrow(
      expect.objectContaining({
        code: TextFileSinkErrorCode.InvalidPath,
        message: expect.stringContaining('buckets named "results-<batchTime>"'),
      }),
    );
  });

  it('refuses a scheme other than S3', () => {
    expect(() => validateTextFilePrefix('file:///tmp/words', { defaultBucket: 'p' })).toThrow(
      /has a scheme other than/,
    );
  });

  it("refuses a prefix that leaves too little of S3's 1,024-byte key for the longest partition id, naming the room left", () => {
    // Prepare: a file version's partition id with a 512-character key, a 64-character ETag and version id
    const partition = objectPartition('k'.repeat(512), 'e'.repeat(64), 'v'.repeat(64));
    const roomy = `out/${'p'.repeat(300)}`;
    const tooLong = `out/${'p'.repeat(400)}`;

    // Act / Assess: what validation accepts, every batch can write
    expect(() => validateTextFilePrefix(roomy, { defaultBucket: 'p' })).not.toThrow();
    expect(() =>
      parseTextFilePath(`${roomy}-9999999999999/part-${partition}`, { defaultBucket: 'p' }),
    ).not.toThrow();
    expect(() => validateTextFilePrefix(tooLong, { defaultBucket: 'p' })).toThrow(
      expect.objectContaining({
        code: TextFileSinkErrorCode.InvalidPath,
        message: expect.stringMatching(/partition ids take up to 645 bytes.*at most 359 bytes/),
      }),
    );
  });
});
