import { describe, expect, it } from 'vitest';
import { ErrorCode } from '../../core';
import { MemoryObjectStore, type ObjectStore } from '../../storage';
import { InvalidTextFilePathError, TextFileSinkErrorCode, TextFileWriteError } from './errors';
import { ObjectStoreTextFileSink } from './object-store-text-file-sink';

/** A sink on memory twins, one per bucket, created on first use. */
function memorySink() {
  const buckets = new Map<string, MemoryObjectStore>();
  const sink = new ObjectStoreTextFileSink({
    defaultBucket: 'pipeline',
    objectStoreFor: (bucket) => {
      const store = new MemoryObjectStore();
      buckets.set(bucket, store);
      return store;
    },
  });
  const read = (bucket: string, key: string): string | undefined => {
    const body = buckets.get(bucket)?.objects.get(key);
    return body === undefined ? undefined : new TextDecoder().decode(body);
  };
  return { sink, buckets, read };
}

describe('Class: ObjectStoreTextFileSink', () => {
  describe('Method: write', () => {
    it('writes s3:// paths to their bucket and other paths to the default bucket', async () => {
      // Prepare
      const { sink, read } = memorySink();

      // Act
      await sink.write('s3://results/counts/words-1000/part-shard-0', '(a,1)\n');
      await sink.write('s3a://results/counts/words-1000/part-shard-1', '(b,2)\n');
      await sink.write('out/words-1000.txt/part-shard-0', '(c,3)\n');
      await sink.write('/tmp/words-1000/part-shard-0', '(d,4)\n');

      // Assess
      expect(read('results', 'counts/words-1000/part-shard-0')).toBe('(a,1)\n');
      expect(read('results', 'counts/words-1000/part-shard-1')).toBe('(b,2)\n');
      expect(read('pipeline', 'out/words-1000.txt/part-shard-0')).toBe('(c,3)\n');
      expect(read('pipeline', 'tmp/words-1000/part-shard-0')).toBe('(d,4)\n');
    });

    it('overwrites: a replayed batch leaves one object with the replay text', async () => {
      const { sink, buckets, read } = memorySink();

      await sink.write('s3://results/w-1/part-0', 'first attempt\n');
      await sink.write('s3://results/w-1/part-0', 'replay\n');

      expect(read('results', 'w-1/part-0')).toBe('replay\n');
      expect([...(buckets.get('results')?.objects.keys() ?? [])]).toEqual(['w-1/part-0']);
    });

    it.each([
      ['s3://', /has no bucket/],
      ['s3:///key', /has no bucket/],
      ['s3://results', /has no object key: write s3:\/\/results\/<key>/],
      ['s3://results/', /has no object key/],
      ['s3://Not_A_Bucket/key', /not a valid S3 bucket name/],
      ['hdfs://namenode/out/part-0', /has a scheme other than s3:\/\//],
      ['', /is empty/],
      ['///', /is empty/],
      ['wal/words-1/part-0', /lies under "wal\/", where Sparkless keeps its own objects/],
      [`s3://results/${'k'.repeat(1025)}`, /object key of 1025 bytes \(S3 allows 1024\)/],
    ])('rejects the path %j', async (path, message) => {
      const { sink, buckets } = memorySink();

      const attempt = sink.write(path, 'x');

      await expect(attempt).rejects.toBeInstanceOf(InvalidTextFilePathError);
      await expect(attempt).rejects.toMatchObject({ code: TextFileSinkErrorCode.InvalidPath, path });
      await expect(attempt).rejects.toThrow(message);
      expect(buckets.size).toBe(0);
    });

    it('wraps a store failure with bucket, key and cause', async () => {
      // Prepare
      const cause = new Error('SlowDown');
      const failing: ObjectStore = {
        put: async () => {
          throw cause;
        },
        get: async () => undefined,
        list: async () => [],
        delete: async () => undefined,
      };
      const sink = new ObjectStoreTextFileSink({ defaultBucket: 'pipeline', objectStoreFor: () => failing });

      // Act
      const attempt = sink.write('out/w-1/part-0', 'x');

      // Assess
      await expect(attempt).rejects.toBeInstanceOf(TextFileWriteError);
      await expect(attempt).rejects.toMatchObject({
        code: TextFileSinkErrorCode.WriteFailed,
        bucket: 'pipeline',
        key: 'out/w-1/part-0',
        cause,
      });
    });
  });

  describe('Method: constructor', () => {
    it('refuses an empty default bucket', () => {
      expect(
        () =>
          new ObjectStoreTextFileSink({ defaultBucket: '', objectStoreFor: () => new MemoryObjectStore() }),
      ).toThrow(expect.objectContaining({ code: ErrorCode.InvalidConfiguration }));
    });
  });
});
