import { describe, expect, it, vi } from 'vitest';
import {
  dynamoDbTable,
  ErrorCode,
  ManualClock,
  type ReferenceData,
  referenceData,
  type ReferenceSource,
  s3Json,
  staticValue,
} from '../core';
import { ReferenceDataErrorCode, ReferenceDataUnavailableError, ReferenceSourceError } from './errors';
import { MemoryObjectStore } from '../storage';
import {
  ReferenceDataCache,
  type ReferenceRefreshFailure,
  type ReferenceVersionUnavailable,
} from './reference-data-cache';
import type { ReferenceLoader } from './reference-loader';

/** A loader whose answers the test scripts: values, errors, or a promise the test settles. */
class ScriptedLoader implements ReferenceLoader {
  public readonly calls: ReferenceSource[] = [];
  private readonly script: (() => Promise<unknown>)[] = [];

  public thenReturn(value: unknown): this {
    this.script.push(async () => value);
    return this;
  }

  public thenFail(error: unknown): this {
    this.script.push(async () => {
      throw error;
    });
    return this;
  }

  /** Queues an answer the test resolves later; returns its resolver. */
  public thenWait(): (value: unknown) => void {
    let resolve: (value: unknown) => void = () => undefined;
    const promise = new Promise<unknown>((r) => {
      resolve = r;
    });
    this.script.push(() => promise);
    return resolve;
  }

  public async load(source: ReferenceSource): Promise<unknown> {
    this.calls.push(source);
    const next = this.script.shift();
    if (next === undefined) throw new Error('unexpected load');
    return next();
  }
}

const blacklistSource = s3Json('reference', 'blacklist.json');
const blacklist = (refreshIntervalMs = 60_000) =>
  referenceData<ReadonlySet<string>>('blacklist', {
    source: blacklistSource,
    refreshIntervalMs,
    parse: (names) => new Set(names as string[]),
  });
const outage = () =>
  new ReferenceSourceError(ReferenceDataErrorCode.LoadFailed, blacklistSource, 'could not be read');

describe('Class: ReferenceDataCache', () => {
  describe('Method: current', () => {
    it('loads every reference on the first call, concurrently, and parses each once', async () => {
      // Prepare
      const s3 = new ScriptedLoader();
      const resolveS3 = s3.thenWait();
      const table = new ScriptedLoader();
      const resolveTable = table.thenWait();
      const parse = vi.fn((rows: unknown) => new Map(Object.entries(rows as Record<string, number>)));
      const prices = referenceData('prices', { source: dynamoDbTable('prices', 'sku'), parse });
      const list = blacklist();
      const cache = new ReferenceDataCache({
        references: [list, prices],
        loaders: { s3Json: s3, dynamoDbTable: table },
        clock: new ManualClock(0),
      });

      // Act
      const pending = cache.current();
      await Promise.resolve();
      const bothStarted = s3.calls.length === 1 && table.calls.length === 1;
      resolveTable({ apple: 3 });
      resolveS3(['mallory']);
      const resolver = await pending;
      resolver.get(prices);
      resolver.get(prices);

      // Assess
      expect(bothStarted).toBe(true);
      expect(resolver.get(list)).toEqual(new Set(['mallory']));
      expect(resolver.get(prices).get('apple')).toBe(3);
      expect(parse).toHaveBeenCalledTimes(1);
      expect(table.calls).toEqual([dynamoDbTable('prices', 'sku')]);
    });

    it('serves the cached value until refreshIntervalMs has passed, then reloads', async () => {
      // Prepare
      const clock = new ManualClock(1_000);
      const loader = new ScriptedLoader().thenReturn(['mallory']).thenReturn(['mallory', 'eve']);
      const list = blacklist(10_000);
      const cache = new ReferenceDataCache({ references: [list], loaders: { s3Json: loader }, clock });
      await cache.current();

      // Act
      clock.advance(9_999);
      const beforeInterval = (await cache.current()).get(list);
      clock.advance(1);
      const atInterval = (await cache.current()).get(list);

      // Assess
      expect(beforeInterval).toEqual(new Set(['mallory']));
      expect(atInterval).toEqual(new Set(['mallory', 'eve']));
      expect(loader.calls).toHaveLength(2);
    });

    it('reloads before every batch when refreshIntervalMs is 0', async () => {
      const loader = new ScriptedLoader().thenReturn(['a']).thenReturn(['b']);
      const list = blacklist(0);
      const cache = new ReferenceDataCache({
        references: [list],
        loaders: { s3Json: loader },
        clock: new ManualClock(0),
      });

      const first = (await cache.current()).get(list);
      const second = (await cache.current()).get(list);

      expect([first, second]).toEqual([new Set(['a']), new Set(['b'])]);
    });

    it('keeps serving the last good value when a refresh fails, reports it, and retries later', async () => {
      // Prepare
      const clock = new ManualClock(0);
      const loader = new ScriptedLoader().thenReturn(['mallory']).thenFail(outage()).thenReturn(['eve']);
      const failures: ReferenceRefreshFailure[] = [];
      const list = blacklist(60_000);
      const cache = new ReferenceDataCache({
        references: [list],
        loaders: { s3Json: loader },
        clock,
        retryAfterFailureMs: 5_000,
        onRefreshError: (failure) => failures.push(failure),
      });
      await cache.current();
      clock.advance(60_000);

      // Act
      const stale = (await cache.current()).get(list);
      clock.advance(4_999);
      const stillStale = (await cache.current()).get(list);
      clock.advance(1);
      const recovered = (await cache.current()).get(list);

      // Assess
      expect(stale).toEqual(new Set(['mallory']));
      expect(stillStale).toEqual(new Set(['mallory']));
      expect(recovered).toEqual(new Set(['eve']));
      expect(loader.calls).toHaveLength(3);
      expect(failures).toEqual([
        {
          reference: 'blacklist',
          source: blacklistSource,
          error: expect.objectContaining({ code: ReferenceDataErrorCode.LoadFailed }),
          loadedAt: 0,
          ageMs: 60_000,
          nextAttemptAt: 65_000,
        },
      ]);
    });

    it('keeps the last good value when parse throws on a refreshed document', async () => {
      const clock = new ManualClock(0);
      const loader = new ScriptedLoader().thenReturn(['mallory']).thenReturn('not a list');
      const list = referenceData<ReadonlySet<string>>('blacklist', {
        source: blacklistSource,
        refreshIntervalMs: 1_000,
        parse: (names) => {
          if (!Array.isArray(names)) throw new TypeError('expected an array');
          return new Set(names as string[]);
        },
      });
      const failures: ReferenceRefreshFailure[] = [];
      const cache = new ReferenceDataCache({
        references: [list],
        loaders: { s3Json: loader },
        clock,
        onRefreshError: (failure) => failures.push(failure),
      });
      await cache.current();
      clock.advance(1_000);

      const value = (await cache.current()).get(list);

      expect(value).toEqual(new Set(['mallory']));
      expect(failures[0]?.error).toMatchObject({ code: ReferenceDataErrorCode.ParseFailed });
    });

    it('writes a structured warning line by default when a refresh fails', async () => {
      // Prepare
      const clock = new ManualClock(0);
      const loader = new ScriptedLoader().thenReturn(['mallory']).thenFail(outage());
      const cache = new ReferenceDataCache({
        references: [blacklist(10)],
        loaders: { s3Json: loader },
        clock,
      });
      await cache.current();
      clock.advance(10);
      const warn = vi.spyOn(console, 'warn').mockImplementation(() => undefined);

      // Act
      let lines: unknown[][];
      try {
        await cache.current();
        lines = [...warn.mock.calls];
      } finally {
        warn.mockRestore();
      }

      // Assess
      expect(lines).toHaveLength(1);
      expect(JSON.parse(String(lines[0]?.[0]))).toMatchObject({
        level: 'WARN',
        reference: 'blacklist',
        source: 's3://reference/blacklist.json',
        errorCode: ReferenceDataErrorCode.LoadFailed,
      });
    });

    it('fails with a typed error naming the reference and source when the first load fails, and retries on the next call', async () => {
      // Prepare
      const cause = outage();
      const loader = new ScriptedLoader().thenFail(cause).thenReturn(['mallory']);
      const list = blacklist();
      const cache = new ReferenceDataCache({
        references: [list],
        loaders: { s3Json: loader },
        clock: new ManualClock(0),
      });

      // Act
      const first = cache.current();
      await expect(first).rejects.toBeInstanceOf(ReferenceDataUnavailableError);
      const second = await cache.current();

      // Assess
      await expect(first).rejects.toMatchObject({
        code: ReferenceDataErrorCode.Unavailable,
        reference: 'blacklist',
        source: blacklistSource,
        cause,
      });
      await expect(first).rejects.toThrow(/"blacklist" from s3:\/\/reference\/blacklist\.json/);
      expect(second.get(list)).toEqual(new Set(['mallory']));
    });

    it('shares one load between concurrent calls', async () => {
      // Prepare
      const clock = new ManualClock(0);
      const loader = new ScriptedLoader().thenReturn(['a']);
      const resolveRefresh = loader.thenWait();
      const list = blacklist(100);
      const cache = new ReferenceDataCache({ references: [list], loaders: { s3Json: loader }, clock });
      await cache.current();
      clock.advance(100);

      // Act
      const calls = [cache.current(), cache.current(), cache.current()];
      resolveRefresh(['b']);
      const resolvers = await Promise.all(calls);

      // Assess
      expect(loader.calls).toHaveLength(2);
      expect(resolvers.map((resolver) => resolver.get(list))).toEqual([
        new Set(['b']),
        new Set(['b']),
        new Set(['b']),
      ]);
    });

    it('gives each call a snapshot that a later refresh does not change', async () => {
      const clock = new ManualClock(0);
      const loader = new ScriptedLoader().thenReturn(['a']).thenReturn(['b']);
      const list = blacklist(1);
      const cache = new ReferenceDataCache({ references: [list], loaders: { s3Json: loader }, clock });

      const batchOne = await cache.current();
      clock.advance(1);
      await cache.current();

      expect(batchOne.get(list)).toEqual(new Set(['a']));
    });

    it('resolves static sources without a loader, once', async () => {
      const parse = vi.fn((value: unknown) => value as number);
      const limit = referenceData('limit', { source: staticValue(7), refreshIntervalMs: 0, parse });
      const cache = new ReferenceDataCache({ references: [limit], clock: new ManualClock(0) });

      const values = [(await cache.current()).get(limit), (await cache.current()).get(limit)];

      expect(values).toEqual([7, 7]);
      expect(parse).toHaveBeenCalledTimes(1);
    });

    it('refuses a reference that is not among its references', async () => {
      const cache = new ReferenceDataCache({ references: [], clock: new ManualClock(0) });
      const other: ReferenceData<number> = referenceData('other', { source: staticValue(1) });

      const resolver = await cache.current();

      expect(() => resolver.get(other)).toThrow(/"other" is not among the references this cache loads/);
    });
  });

  describe('Method: constructor', () => {
    it('refuses a source kind it has no loader for, naming the option', () => {
      expect(() => new ReferenceDataCache({ references: [blacklist()] })).toThrow(
        expect.objectContaining({
          code: ErrorCode.InvalidConfiguration,
          message: expect.stringMatching(/"blacklist" has a s3-json source .* pass loaders\.s3Json/),
        }),
      );
    });

    it('refuses two different declarations with one name', () => {
      expect(
        () =>
          new ReferenceDataCache({
            references: [blacklist(), blacklist()],
            loaders: { s3Json: new ScriptedLoader() },
          }),
      ).toThrow(/two different reference data declarations are named "blacklist"/);
    });
  });

  describe('Method: pinned (replays read the version their batch read)', () => {
    const SNAPSHOTS = 'wal/ns/references/';

    it('names a version per reference: equal content, equal version', async () => {
      // Prepare
      const clock = new ManualClock(0);
      const loader = new ScriptedLoader().thenReturn(['a']).thenReturn(['a']).thenReturn(['b']);
      const cache = new ReferenceDataCache({
        references: [blacklist(1)],
        loaders: { s3Json: loader },
        clock,
      });

      // Act
      const versions = [];
      for (let i = 0; i < 3; i++) {
        versions.push((await cache.current()).versions.blacklist);
        clock.advance(1);
      }

      // Assess
      expect(versions[0]).toMatch(/^[0-9a-f]{16}$/);
      expect(versions[1]).toBe(versions[0]);
      expect(versions[2]).not.toBe(versions[0]);
    });

    it('serves an earlier version a batch logged, after a refresh changed the data', async () => {
      // Prepare
      const clock = new ManualClock(0);
      const list = blacklist(1);
      const loader = new ScriptedLoader().thenReturn(['mallory']).thenReturn(['trudy']);
      const cache = new ReferenceDataCache({ references: [list], loaders: { s3Json: loader }, clock });
      const firstAttempt = await cache.current();
      clock.advance(1);

      // Act
      const replay = await cache.pinned(firstAttempt.versions);

      // Assess
      expect(replay.get(list)).toEqual(new Set(['mallory']));
      expect((await cache.current()).get(list)).toEqual(new Set(['trudy']));
    });

    it('reads the version from the snapshot store in a fresh container, writing each version once', async () => {
      // Prepare: a container loads v1 and logs it, then dies; the data changes to v2
      const store = new MemoryObjectStore();
      const list = blacklist();
      const first = new ReferenceDataCache({
        references: [list],
        loaders: { s3Json: new ScriptedLoader().thenReturn(['mallory']) },
        snapshots: { store, prefix: SNAPSHOTS },
        clock: new ManualClock(0),
      });
      const logged = (await first.current()).versions;
      const fresh = new ReferenceDataCache({
        references: [list],
        loaders: { s3Json: new ScriptedLoader().thenReturn(['trudy']) },
        snapshots: { store, prefix: SNAPSHOTS },
        clock: new ManualClock(0),
      });

      // Act
      const replay = await fresh.pinned(logged);

      // Assess
      expect(replay.get(list)).toEqual(new Set(['mallory']));
      expect(await store.list(SNAPSHOTS)).toEqual(
        [logged.blacklist, (await fresh.current()).versions.blacklist]
          .map((version) => `${SNAPSHOTS}blacklist/${version}.json`)
          .sort(),
      );
    });

    it('serves the current value and reports it when the version cannot be read', async () => {
      // Prepare
      const reported: ReferenceVersionUnavailable[] = [];
      const list = blacklist();
      const cache = new ReferenceDataCache({
        references: [list],
        loaders: { s3Json: new ScriptedLoader().thenReturn(['trudy']) },
        snapshots: { store: new MemoryObjectStore(), prefix: SNAPSHOTS },
        clock: new ManualClock(0),
        onVersionUnavailable: (unavailable) => reported.push(unavailable),
      });

      // Act
      const replay = await cache.pinned({ blacklist: '0123456789abcdef' });

      // Assess
      expect(replay.get(list)).toEqual(new Set(['trudy']));
      expect(reported).toEqual([
        {
          reference: 'blacklist',
          version: '0123456789abcdef',
          served: (await cache.current()).versions.blacklist,
          reason: expect.stringContaining('snapshot is missing'),
        },
      ]);
    });

    it('keeps serving the last good version when its snapshot cannot be written', async () => {
      // Prepare
      const clock = new ManualClock(0);
      const list = blacklist(1);
      const store = new MemoryObjectStore();
      const failures: ReferenceRefreshFailure[] = [];
      const cache = new ReferenceDataCache({
        references: [list],
        loaders: { s3Json: new ScriptedLoader().thenReturn(['a']).thenReturn(['b']) },
        snapshots: { store, prefix: SNAPSHOTS },
        clock,
        onRefreshError: (failure) => failures.push(failure),
      });
      await cache.current();
      clock.advance(1);
      vi.spyOn(store, 'put').mockRejectedValueOnce(new Error('S3 unavailable'));

      // Act
      const value = (await cache.current()).get(list);

      // Assess: a batch never logs a version that is not kept
      expect(value).toEqual(new Set(['a']));
      expect(failures.map((failure) => String(failure.error))).toEqual(['Error: S3 unavailable']);
    });
  });
});
