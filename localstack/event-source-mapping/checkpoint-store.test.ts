import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  type CheckpointStore,
  CheckpointStoreError,
  EventSourceMappingErrorCode,
  InMemoryCheckpointStore,
  JsonFileCheckpointStore,
} from './index';

const LOW = '49590338271490256608559692538361571095921575989136588898';
const HIGH = '49590338271490256608559692540925702759324208523137515618';
const SHARD = 'shardId-000000000000';

let directory = '';

beforeEach(async () => {
  directory = await mkdtemp(join(tmpdir(), 'esm-store-'));
});

afterEach(async () => {
  await rm(directory, { recursive: true, force: true });
});

const stores: [string, () => CheckpointStore][] = [
  ['InMemoryCheckpointStore', () => new InMemoryCheckpointStore()],
  [
    'JsonFileCheckpointStore',
    () => new JsonFileCheckpointStore({ path: join(directory, 'checkpoints.json') }),
  ],
];

describe.each(stores)('Class: %s', (_name, createStore) => {
  describe('Method: save', () => {
    it('keeps checkpoints per mapping and shard', async () => {
      // Prepare
      const store = createStore();

      // Act
      await store.save('mapping-a', SHARD, { sequenceNumber: LOW, shardEnd: false });
      await store.save('mapping-b', SHARD, { sequenceNumber: HIGH, shardEnd: false });

      // Assess
      expect(await store.load('mapping-a', SHARD)).toEqual({ sequenceNumber: LOW, shardEnd: false });
      expect(await store.load('mapping-b', SHARD)).toEqual({ sequenceNumber: HIGH, shardEnd: false });
      expect(await store.load('mapping-a', 'shardId-000000000001')).toBeUndefined();
    });

    it('never moves a checkpoint backwards (numeric order, not string order)', async () => {
      // Prepare
      const store = createStore();
      await store.save('m', SHARD, { sequenceNumber: HIGH, shardEnd: false });

      // Act
      await store.save('m', SHARD, { sequenceNumber: LOW, shardEnd: false });
      await store.save('m', SHARD, { sequenceNumber: '9', shardEnd: false });

      // Assess
      expect(await store.load('m', SHARD)).toEqual({ sequenceNumber: HIGH, shardEnd: false });
    });

    it('keeps a shard ended once it is ended', async () => {
      // Prepare
      const store = createStore();
      await store.save('m', SHARD, { sequenceNumber: LOW, shardEnd: true });

      // Act
      await store.save('m', SHARD, { sequenceNumber: HIGH, shardEnd: false });

      // Assess
      expect(await store.load('m', SHARD)).toEqual({ sequenceNumber: LOW, shardEnd: true });
    });
  });
});

describe('Class: JsonFileCheckpointStore', () => {
  describe('Method: load', () => {
    it('reads what another instance wrote (survives a restart)', async () => {
      // Prepare
      const path = join(directory, 'deep', 'er', 'checkpoints.json');
      const writer = new JsonFileCheckpointStore({ path });
      await Promise.all([
        writer.save('m', SHARD, { sequenceNumber: LOW, shardEnd: false }),
        writer.save('m', 'shardId-000000000001', { sequenceNumber: HIGH, shardEnd: true }),
      ]);

      // Act
      const reader = new JsonFileCheckpointStore({ path });

      // Assess
      expect(await reader.load('m', SHARD)).toEqual({ sequenceNumber: LOW, shardEnd: false });
      expect(await reader.load('m', 'shardId-000000000001')).toEqual({
        sequenceNumber: HIGH,
        shardEnd: true,
      });
      expect(JSON.parse(await readFile(path, 'utf8'))).toMatchObject({ version: 1 });
    });

    it('rejects a corrupt file with CheckpointStoreError', async () => {
      // Prepare
      const path = join(directory, 'corrupt.json');
      await mkdir(directory, { recursive: true });
      await writeFile(path, '{"version": 1, "mappings": ', 'utf8');
      const store = new JsonFileCheckpointStore({ path });

      // Act
      const loading = store.load('m', SHARD);

      // Assess
      await expect(loading).rejects.toBeInstanceOf(CheckpointStoreError);
      await expect(loading).rejects.toMatchObject({ code: EventSourceMappingErrorCode.CheckpointStore });
    });

    it('rejects a file with another layout', async () => {
      // Prepare
      const path = join(directory, 'other.json');
      await writeFile(path, JSON.stringify({ version: 2, mappings: {} }), 'utf8');
      const store = new JsonFileCheckpointStore({ path });

      // Act
      const loading = store.load('m', SHARD);

      // Assess
      await expect(loading).rejects.toThrow(/does not have the expected layout/);
    });
  });
});
