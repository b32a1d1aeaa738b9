import { describe, expect, it } from 'vitest';
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
});
