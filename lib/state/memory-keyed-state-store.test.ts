import { describe, expect, it } from 'vitest';
import { MemoryObjectStore, type ObjectStore } from '../storage';
import { keyedStateStoreContract, LARGE_STATE } from './keyed-state-store.contract';
import { MemoryKeyedStateStore } from './memory-keyed-state-store';

describe('Class: MemoryKeyedStateStore', () => {
  describe('Contract: KeyedStateStore', () => {
    keyedStateStoreContract(async () => {
      const objects = new MemoryObjectStore();
      return {
        store: new MemoryKeyedStateStore({ namespace: 'ns', largeStates: objects }),
        objects,
        namespace: 'ns',
      };
    });
  });

  describe('Constructor', () => {
    it('refuses an inline item size above DynamoDB’s item limit, naming the range', () => {
      expect(() => new MemoryKeyedStateStore({ inlineItemBytes: 409_601 })).toThrow(
        /inlineItemBytes must be a whole number between 0 and 409600 inclusive, DynamoDB's item size limit \(given 409601\)/,
      );
      expect(() => new MemoryKeyedStateStore({ inlineItemBytes: 1.5 })).toThrow(/given 1.5/);
    });
  });

  describe('Method: put', () => {
    it('refuses an item DynamoDB would refuse, with DynamoDB’s ValidationException', async () => {
      // Prepare: fencing marks of 500 KB cannot move to the object store
      const store = new MemoryKeyedStateStore();
      const marks = Object.fromEntries(
        Array.from({ length: 500 }, (_, i) => [`shard-${i}`, 'x'.repeat(1_000)]),
      );

      // Act
      const put = store.put('counts', { keyId: '"a"' }, { value: 1, version: 1, marks }, undefined);

      // Assess
      await expect(put).rejects.toMatchObject({
        name: 'ValidationException',
        message: 'Item size has exceeded the maximum allowed size',
      });
    });

    it('keeps the address of a key that fits DynamoDB’s limit exactly, and hashes one byte more', async () => {
      // Prepare: "ns#state#counts#" is 16 bytes, so a key id of 2,032 bytes makes a 2,048-byte partition key
      const store = new MemoryKeyedStateStore({ namespace: 'ns' });
      const fits = JSON.stringify('f'.repeat(2_030));
      const over = JSON.stringify('o'.repeat(2_031));

      // Act
      await store.put('counts', { keyId: fits }, { value: 1, version: 1, marks: {} }, undefined);
      await store.put('counts', { keyId: over }, { value: 2, version: 1, marks: {} }, undefined);

      // Assess
      const items = store.storedItems();
      expect(items.find((item) => item.pk?.S === `ns#state#counts#${fits}`)?.k).toBeUndefined();
      const hashed = items.find((item) => item.k?.S === over);
      expect(hashed?.pk?.S).toMatch(/^ns#state#counts#"o{63}~sha256:[0-9a-f]{64}$/);
      expect(await store.scan('counts')).toEqual(
        new Map([
          [fits, 1],
          [over, 2],
        ]),
      );
    });
  });

  describe('Method: get', () => {
    it('reads the item again when a newer write replaced it (and deleted its object) while it was read', async () => {
      // Prepare: the first read of the version-1 object lets a version-2 write happen first
      const inner = new MemoryObjectStore();
      const late: { store?: MemoryKeyedStateStore } = {};
      let raced = false;
      const racing: ObjectStore = {
        put: (key, body) => inner.put(key, body),
        list: (prefix) => inner.list(prefix),
        delete: (key) => inner.delete(key),
        get: async (key) => {
          if (!raced && key.includes('/1-')) {
            raced = true;
            await late.store?.put('lists', { keyId: '"a"' }, { value: ['v2'], version: 2, marks: {} }, 1);
          }
          return inner.get(key);
        },
      };
      const store = new MemoryKeyedStateStore({ largeStates: racing, inlineItemBytes: 100 });
      late.store = store;
      await store.put('lists', { keyId: '"a"' }, { value: LARGE_STATE, version: 1, marks: {} }, undefined);

      // Act
      const read = await store.get('lists', { keyId: '"a"' });

      // Assess
      expect(raced).toBe(true);
      expect(read).toEqual({ value: ['v2'], version: 2, marks: {} });
    });
  });
});
