import { describe, expect, it } from 'vitest';
import { decodeUtf8, ErrorCode, OutputMode, pipeline, tumblingWindows } from '../core';
import { MemoryObjectStore, putJson } from '../storage';
import { CheckpointManager, IncompatibleStatePlanError } from './metadata-checkpoint';

const counting = (name?: string) =>
  pipeline('counts')
    .fromKinesis()
    .map((record) => decodeUtf8(record.value))
    .mapToPair((word) => [word, 1])
    .updateStateByKey<number>(
      (values, state = 0) => state + values.length,
      name === undefined ? {} : { name },
    )
    .print();

/** The plan of a per-minute windowed count named `per-minute`, in `outputMode`. */
const windowedPlan = (outputMode: OutputMode) =>
  pipeline('counts')
    .fromKinesis()
    .mapToPair((record) => [record.partition, 1])
    .reduceByKeyAndWindow((a, b) => a + b, tumblingWindows({ lengthMs: 60_000, allowedLatenessMs: 0 }), {
      name: 'per-minute',
      outputMode,
    })
    .print().plan;

describe('Class: CheckpointManager', () => {
  describe('Method: getOrCreate', () => {
    it('creates the checkpoint on first start and loads it afterwards', async () => {
      // Prepare
      const store = new MemoryObjectStore();
      const manager = new CheckpointManager(store, 'counts');
      const plan = counting().plan;

      // Act
      const created = await manager.getOrCreate(plan, { codeVersion: '1', config: {}, now: 10 });
      const loaded = await manager.getOrCreate(plan, { codeVersion: '1', config: {}, now: 20 });

      // Assess
      expect(created).toMatchObject({ pipeline: 'counts', planFingerprint: plan.fingerprint, createdAt: 10 });
      expect(loaded).toEqual(created);
      expect([...store.objects.keys()]).toEqual(['checkpoints/counts/metadata.json']);
    });

    it('records a new code version without touching the creation time', async () => {
      const manager = new CheckpointManager(new MemoryObjectStore(), 'counts');
      await manager.getOrCreate(counting().plan, { codeVersion: '1', config: {}, now: 10 });

      const upgraded = await manager.getOrCreate(counting().plan, { codeVersion: '2', config: {}, now: 20 });

      expect(upgraded).toMatchObject({ codeVersion: '2', createdAt: 10, updatedAt: 20 });
    });

    it('refuses a changed stateful plan and names the ways out', async () => {
      // Prepare
      const manager = new CheckpointManager(new MemoryObjectStore(), 'counts');
      await manager.getOrCreate(counting().plan, { codeVersion: '1', config: {}, now: 10 });

      // Act
      const attempt = manager.getOrCreate(counting('renamed').plan, {
        codeVersion: '2',
        config: {},
        now: 20,
      });

      // Assess
      await expect(attempt).rejects.toBeInstanceOf(IncompatibleStatePlanError);
      await expect(attempt).rejects.toMatchObject({ code: ErrorCode.IncompatibleStatePlan });
      await expect(attempt).rejects.toThrow(
        /SPARKLESS_STATE_NAMESPACE to e\.g\. "counts-v2".*passing \{ name \}/,
      );
    });

    it('names the window and output mode when only those changed', async () => {
      // Prepare
      const manager = new CheckpointManager(new MemoryObjectStore(), 'counts');
      await manager.getOrCreate(windowedPlan(OutputMode.Append), { codeVersion: '1', config: {}, now: 10 });

      // Act
      const attempt = manager.getOrCreate(windowedPlan(OutputMode.Update), {
        codeVersion: '2',
        config: {},
        now: 20,
      });

      // Assess
      await expect(attempt).rejects.toThrow(
        /checkpoint \[reduceByKeyAndWindow:per-minute\(append 60000\/60000 ms\)\].*deployed \[reduceByKeyAndWindow:per-minute\(update 60000\/60000 ms\)\]/,
      );
    });

    it('upgrades a format-1 checkpoint of the same append-mode windows and refuses it for another mode', async () => {
      // Prepare: what a release before window descriptors wrote (ids and kinds only, another fingerprint)
      const store = new MemoryObjectStore();
      const manager = new CheckpointManager(store, 'counts');
      await putJson(store, manager.metadataKey, {
        formatVersion: 1,
        pipeline: 'counts',
        namespace: 'counts',
        planFingerprint: '0123456789abcdef',
        statefulOperators: [{ id: 'per-minute', kind: 'reduceByKeyAndWindow' }],
        codeVersion: '1',
        config: {},
        createdAt: 10,
        updatedAt: 10,
      });

      // Act
      const refused = manager.getOrCreate(windowedPlan(OutputMode.Update), {
        codeVersion: '2',
        config: {},
        now: 20,
      });
      const upgraded = await manager.getOrCreate(windowedPlan(OutputMode.Append), {
        codeVersion: '2',
        config: {},
        now: 30,
      });

      // Assess
      await expect(refused).rejects.toBeInstanceOf(IncompatibleStatePlanError);
      expect(upgraded).toMatchObject({
        formatVersion: 3,
        legacyPartitionIdFormat: 'shard-id',
        planFingerprint: windowedPlan(OutputMode.Append).fingerprint,
        createdAt: 10,
        updatedAt: 30,
      });
    });

    it('records the stream-and-shard partition ids of a new namespace, with no older ledgers to adopt', async () => {
      // Act
      const created = await new CheckpointManager(new MemoryObjectStore(), 'counts').getOrCreate(
        counting().plan,
        {
          codeVersion: '1',
          config: {},
          now: 10,
        },
      );

      // Assess
      expect(created.formatVersion).toBe(3);
      expect(created.partitionIdFormat).toBe('stream-shard');
      expect(created.legacyPartitionIdFormat).toBeUndefined();
    });

    it('upgrades a format-2 checkpoint of the same plan and code in place, and remembers its shard-id ledgers on every later rewrite', async () => {
      // Prepare: what the release before stream-and-shard partition ids wrote
      const store = new MemoryObjectStore();
      const manager = new CheckpointManager(store, 'counts');
      const plan = counting().plan;
      await putJson(store, manager.metadataKey, {
        formatVersion: 2,
        pipeline: 'counts',
        namespace: 'counts',
        planFingerprint: plan.fingerprint,
        statefulOperators: plan.statefulOperators,
        codeVersion: '1',
        config: {},
        createdAt: 10,
        updatedAt: 10,
      });

      // Act
      const upgraded = await manager.getOrCreate(plan, { codeVersion: '1', config: {}, now: 20 });
      const nextRelease = await manager.getOrCreate(plan, { codeVersion: '2', config: {}, now: 30 });

      // Assess
      expect(upgraded).toMatchObject({
        formatVersion: 3,
        partitionIdFormat: 'stream-shard',
        legacyPartitionIdFormat: 'shard-id',
        createdAt: 10,
        updatedAt: 20,
      });
      expect(nextRelease).toMatchObject({
        formatVersion: 3,
        legacyPartitionIdFormat: 'shard-id',
        codeVersion: '2',
      });
    });
  });
});
