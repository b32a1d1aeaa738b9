import { describe, expect, it } from 'vitest';
import { s3Json } from '../core';
import { MemoryObjectStore, type ObjectStore } from '../storage';
import { ReferenceDataErrorCode, ReferenceSourceError } from './errors';
import { S3JsonReferenceLoader } from './s3-json-reference-loader';

const bucketsOf = (buckets: Record<string, MemoryObjectStore>) => (bucket: string) => {
  const store = buckets[bucket];
  if (store === undefined)
    throw Object.assign(new Error('The specified bucket does not exist'), { name: 'NoSuchBucket' });
  return store;
};

describe('Class: S3JsonReferenceLoader', () => {
  describe('Method: load', () => {
    it('returns the parsed JSON document', async () => {
      // Prepare
      const store = new MemoryObjectStore();
      await store.put('lists/blacklist.json', '\uFEFF["mallory", "eve"]');
      const loader = new S3JsonReferenceLoader({ objectStoreFor: bucketsOf({ reference: store }) });

      // Act
      const loaded = await loader.load(s3Json('reference', 'lists/blacklist.json'));

      // Assess
      expect(loaded).toEqual(['mallory', 'eve']);
    });

    it('names bucket and key when the object is missing', async () => {
      const loader = new S3JsonReferenceLoader({
        objectStoreFor: bucketsOf({ reference: new MemoryObjectStore() }),
      });

      const attempt = loader.load(s3Json('reference', 'missing.json'));

      await expect(attempt).rejects.toBeInstanceOf(ReferenceSourceError);
      await expect(attempt).rejects.toMatchObject({ code: ReferenceDataErrorCode.SourceMissing });
      await expect(attempt).rejects.toThrow(/s3:\/\/reference\/missing\.json does not exist/);
    });

    it('reports a missing bucket as a missing source', async () => {
      const loader = new S3JsonReferenceLoader({ objectStoreFor: bucketsOf({}) });

      const attempt = loader.load(s3Json('nowhere', 'x.json'));

      await expect(attempt).rejects.toMatchObject({ code: ReferenceDataErrorCode.SourceMissing });
      await expect(attempt).rejects.toThrow(/s3:\/\/nowhere\/x\.json does not exist: no bucket "nowhere"/);
    });

    it('names bucket and key when the body is not JSON', async () => {
      const store = new MemoryObjectStore();
      await store.put('bad.json', '["mallory",');
      const loader = new S3JsonReferenceLoader({ objectStoreFor: bucketsOf({ reference: store }) });

      const attempt = loader.load(s3Json('reference', 'bad.json'));

      await expect(attempt).rejects.toMatchObject({
        code: ReferenceDataErrorCode.SourceInvalid,
        cause: expect.any(SyntaxError),
      });
      await expect(attempt).rejects.toThrow(/s3:\/\/reference\/bad\.json is not valid JSON \(11 bytes\)/);
    });

    it('rejects a body that is not UTF-8', async () => {
      const store = new MemoryObjectStore();
      await store.put('latin1.json', new Uint8Array([0x22, 0xe9, 0x22]));
      const loader = new S3JsonReferenceLoader({ objectStoreFor: bucketsOf({ reference: store }) });

      const attempt = loader.load(s3Json('reference', 'latin1.json'));

      await expect(attempt).rejects.toThrow(/latin1\.json is not valid UTF-8/);
    });

    it('wraps other read failures with the source and the cause', async () => {
      const cause = Object.assign(new Error('Access Denied'), { name: 'AccessDenied' });
      const failing: ObjectStore = {
        put: async () => undefined,
        get: async () => {
          throw cause;
        },
        list: async () => [],
        delete: async () => undefined,
      };
      const loader = new S3JsonReferenceLoader({ objectStoreFor: () => failing });

      const attempt = loader.load(s3Json('reference', 'x.json'));

      await expect(attempt).rejects.toMatchObject({ code: ReferenceDataErrorCode.LoadFailed, cause });
      await expect(attempt).rejects.toThrow(/s3:\/\/reference\/x\.json could not be read/);
    });
  });
});
