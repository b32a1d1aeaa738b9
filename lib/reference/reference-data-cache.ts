import { createHash } from 'node:crypto';
import {
  type Clock,
  describeError,
  InvalidConfigurationError,
  type ReferenceData,
  type ReferenceResolver,
  type ReferenceSource,
  systemClock,
} from '../core';
import type { ReferenceProvider, ReferenceVersions } from '../runtime';
import { getJson, type ObjectStore, putJson } from '../storage';
import { ReferenceDataDefaults } from './constants';
import { describeReferenceSource } from './describe-source';
import { ReferenceDataUnavailableError, ReferenceParseError } from './errors';
import type { ReferenceLoaders } from './reference-loader';
import { SnapshotReferenceResolver } from './snapshot-reference-resolver';

/** What {@link ReferenceDataCacheOptions.onRefreshError} is told when a refresh fails and a stale value is kept. */
export interface ReferenceRefreshFailure {
  /** The reference's name. */
  readonly reference: string;
  /** Where it is loaded from. */
  readonly source: ReferenceSource;
  /** The error of the failed load (or of `parse`). */
  readonly error: unknown;
  /** When the value still being served was loaded (epoch ms). */
  readonly loadedAt: number;
  /** How long that value has been in use (ms). */
  readonly ageMs: number;
  /** When the next load will be attempted (epoch ms). */
  readonly nextAttemptAt: number;
}

/** What {@link ReferenceDataCacheOptions.onVersionUnavailable} is told when a replay cannot get the version its batch read. */
export interface ReferenceVersionUnavailable {
  /** The reference's name. */
  readonly reference: string;
  /** The version the batch's first attempt read. */
  readonly version: string;
  /** The version served instead (the current one). */
  readonly served: string;
  /** Why the version could not be read (no snapshot store, a missing snapshot, a failed read or parse). */
  readonly reason: string;
}

/** Where {@link ReferenceDataCache} keeps each version of the reference data it loads, for replays. */
export interface ReferenceSnapshotOptions {
  /** The object store (the checkpoint bucket). */
  readonly store: ObjectStore;
  /** Key prefix of the snapshots, e.g. `wal/<namespace>/references/` (they expire with the write-ahead log). */
  readonly prefix: string;
}

/** Options of {@link ReferenceDataCache}. */
export interface ReferenceDataCacheOptions {
  /** The references to load: a pipeline's `pipeline.references`. Names must be unique. */
  readonly references: readonly ReferenceData<unknown>[];
  /**
   * The loaders of the source kinds that need I/O; `static` sources need none.
   *
   * @default none: only references with a `static` source are allowed
   */
  readonly loaders?: ReferenceLoaders;
  /**
   * The clock that decides when a reference is due for a refresh.
   *
   * @default the system clock
   */
  readonly clock?: Clock;
  /**
   * After a failed refresh (a stale value is kept), milliseconds before the next attempt, so a
   * failing source is not hit on every batch. Capped by the reference's `refreshIntervalMs`.
   *
   * @default 5000
   */
  readonly retryAfterFailureMs?: number;
  /**
   * Told when a refresh fails and the last good value keeps being served. Errors it throws are
   * ignored: monitoring must not fail a batch.
   *
   * @default a structured `console.warn` JSON line (`level`, `message`, `reference`, `source`, `error`, ...)
   */
  readonly onRefreshError?: (failure: ReferenceRefreshFailure) => void;
  /**
   * Where every loaded version is kept (content-addressed, written once when it first appears and
   * again daily while in use), so a batch replayed in a fresh container reads the version its first
   * attempt read. A version that cannot be read is replaced by the current one, and reported.
   *
   * @default none: replays find only the versions this container still holds
   */
  readonly snapshots?: ReferenceSnapshotOptions;
  /**
   * Told when a replay cannot get the version of a reference its batch read and gets the current one.
   *
   * @default a structured `console.warn` JSON line
   */
  readonly onVersionUnavailable?: (unavailable: ReferenceVersionUnavailable) => void;
}

/** Versions kept in memory per reference besides the current one, for replays. */
const RECENT_VERSIONS = 4;

/** A version still in use is written to the snapshot store again after this long, so it outlives the log's expiry. */
const SNAPSHOT_REWRITE_MS = 24 * 3600 * 1000;

interface LoadedVersion {
  readonly value: unknown;
  readonly version: string;
  readonly loadedAt: number;
}

interface CacheEntry {
  readonly reference: ReferenceData<unknown>;
  /** The last good value, its version and when it was loaded. */
  loaded?: LoadedVersion;
  /** Recently served versions (parsed), newest last, for replays. */
  readonly recent: Map<string, unknown>;
  /** When the current version was last written to the snapshot store. */
  snapshotAt?: number;
  /** The error of the last load when there is no good value yet. */
  failure?: ReferenceDataUnavailableError;
  /** When the next load is due (epoch ms); 0 = on the next `current()`. */
  nextLoadAt: number;
  /** The load in flight, shared by concurrent callers. */
  inflight?: Promise<void>;
}

/**
 * The per-container cache of a pipeline's reference data (Spark's broadcast variables, re-read
 * on an interval), the runtime's `ReferenceProvider`.
 *
 * - The first {@link current} loads every reference, concurrently.
 * - A later call reloads each reference whose `refreshIntervalMs` has passed since its last
 *   load (`0`: before every batch); `static` sources are resolved once, without I/O.
 * - Concurrent calls share one load per reference.
 * - `parse` runs once per new version loaded, not per batch or per lookup (an unchanged reload reuses it).
 * - A failed refresh keeps serving the last good value, reports the failure to `onRefreshError`
 *   and tries again after `retryAfterFailureMs`; a reference that has never loaded fails the
 *   call with a `ReferenceDataUnavailableError` (code `REFERENCE_DATA_UNAVAILABLE`, the load
 *   error as `cause`), and every later call tries again.
 * - Each call returns a snapshot: a batch sees one version of every reference, and the snapshot
 *   names the versions (content hashes) so the executor logs them with the batch; {@link pinned}
 *   gives a replay those versions again (from memory or the `snapshots` store).
 *
 * @example
 * const references = new ReferenceDataCache({
 *   references: pipeline.references,
 *   loaders: {
 *     s3Json: new S3JsonReferenceLoader({ client: s3 }),
 *     dynamoDbTable: new DynamoDbTableReferenceLoader({ client: dynamodb }),
 *   },
 * });
 * const executor = new BatchExecutor({ ...ports, references });
 */
export class ReferenceDataCache implements ReferenceProvider {
  private readonly entries: readonly CacheEntry[];
  private readonly loaders: ReferenceLoaders;
  private readonly clock: Clock;
  private readonly retryAfterFailureMs: number;
  private readonly onRefreshError: (failure: ReferenceRefreshFailure) => void;
  private readonly onVersionUnavailable: (unavailable: ReferenceVersionUnavailable) => void;
  private readonly snapshots: ReferenceSnapshotOptions | undefined;

  public constructor(options: ReferenceDataCacheOptions) {
    this.loaders = options.loaders ?? {};
    this.clock = options.clock ?? systemClock;
    this.retryAfterFailureMs = options.retryAfterFailureMs ?? ReferenceDataDefaults.RETRY_AFTER_FAILURE_MS;
    if (!Number.isFinite(this.retryAfterFailureMs) || this.retryAfterFailureMs < 0) {
      throw new InvalidConfigurationError(
        `retryAfterFailureMs must be a non-negative number of milliseconds (given ${this.retryAfterFailureMs})`,
      );
    }
    this.onRefreshError = options.onRefreshError ?? warnRefreshFailure;
    this.onVersionUnavailable = options.onVersionUnavailable ?? warnVersionUnavailable;
    this.snapshots = options.snapshots;
    const byName = new Map<string, ReferenceData<unknown>>();
    for (const reference of options.references) {
      const known = byName.get(reference.name);
      if (known !== undefined && known !== reference) {
        throw new InvalidConfigurationError(
          `two different reference data declarations are named ${JSON.stringify(reference.name)}: give each a distinct name`,
        );
      }
      this.checkLoader(reference);
      byName.set(reference.name, reference);
    }
    this.entries = [...byName.values()].map((reference) => ({ reference, nextLoadAt: 0, recent: new Map() }));
  }

  /**
   * The reference data for the next batch: loads what was never loaded and refreshes what is
   * due, then returns a snapshot.
   *
   * @throws ReferenceDataUnavailableError when a reference has no value yet (its load failed).
   */
  public async current(): Promise<SnapshotReferenceResolver> {
    const now = this.clock.now();
    const due = this.entries.filter(
      (entry) => entry.inflight !== undefined || entry.loaded === undefined || now >= entry.nextLoadAt,
    );
    await Promise.all(due.map((entry) => this.load(entry)));
    const values = new Map<string, unknown>();
    const versions: Record<string, string> = {};
    for (const entry of this.entries) {
      if (entry.loaded === undefined) {
        throw (
          entry.failure ??
          new ReferenceDataUnavailableError(entry.reference.name, entry.reference.source, 'not loaded')
        );
      }
      values.set(entry.reference.name, entry.loaded.value);
      versions[entry.reference.name] = entry.loaded.version;
    }
    return new SnapshotReferenceResolver(values, versions);
  }

  /**
   * The reference data of the versions a claimed batch logged, for its replay: each from memory or the
   * snapshot store; a reference whose version cannot be read (or that the batch did not read) gets the
   * current value, and an unavailable version is reported to `onVersionUnavailable`.
   *
   * @throws ReferenceDataUnavailableError when a reference has no current value either
   */
  public async pinned(versions: ReferenceVersions): Promise<ReferenceResolver> {
    const current = await this.current();
    const values = new Map<string, unknown>();
    const served: Record<string, string> = {};
    for (const entry of this.entries) {
      const { name } = entry.reference;
      const wanted = versions[name];
      const latest = entry.loaded as LoadedVersion;
      const value =
        wanted === undefined || wanted === latest.version ? latest.value : await this.version(entry, wanted);
      values.set(name, value === NOT_AVAILABLE ? latest.value : value);
      served[name] = value === NOT_AVAILABLE ? latest.version : (wanted ?? latest.version);
    }
    const unchanged = this.entries.every(
      ({ reference }) => served[reference.name] === current.versions[reference.name],
    );
    return unchanged ? current : new SnapshotReferenceResolver(values, served);
  }

  /** One earlier version of a reference: from memory, else from the snapshot store (parsed, then kept). */
  private async version(entry: CacheEntry, version: string): Promise<unknown> {
    if (entry.recent.has(version)) return entry.recent.get(version);
    const { reference } = entry;
    const unavailable = (reason: string) => {
      try {
        this.onVersionUnavailable({
          reference: reference.name,
          version,
          served: entry.loaded?.version ?? '',
          reason,
        });
      } catch {
        // Monitoring must not fail a replay that has a value to work with.
      }
      return NOT_AVAILABLE;
    };
    if (this.snapshots === undefined) return unavailable('no snapshot store, and not in this container');
    let raw: unknown;
    try {
      raw = await getJson<unknown>(this.snapshots.store, this.snapshotKey(reference.name, version));
    } catch (error) {
      return unavailable(`reading its snapshot failed: ${describeError(error)}`);
    }
    if (raw === undefined) return unavailable('its snapshot is missing (expired with the write-ahead log?)');
    let value: unknown;
    try {
      value = reference.parse === undefined ? raw : reference.parse(raw);
    } catch (error) {
      return unavailable(`parsing its snapshot failed: ${describeError(error)}`);
    }
    remember(entry, version, value);
    return value;
  }

  private snapshotKey(name: string, version: string): string {
    return `${this.snapshots?.prefix ?? ''}${encodeURIComponent(name)}/${version}.json`;
  }

  /** Starts a load of `entry`, or joins the one in flight. Never rejects. */
  private load(entry: CacheEntry): Promise<void> {
    entry.inflight ??= this.loadOnce(entry).finally(() => {
      entry.inflight = undefined;
    });
    return entry.inflight;
  }

  private async loadOnce(entry: CacheEntry): Promise<void> {
    const { reference } = entry;
    let value: unknown;
    let version: string;
    try {
      const loaded = await this.read(reference.source);
      version = versionOf(loaded);
      if (entry.recent.has(version)) value = entry.recent.get(version);
      else {
        try {
          value = reference.parse === undefined ? loaded : reference.parse(loaded);
        } catch (error) {
          throw new ReferenceParseError(reference.name, error);
        }
      }
      await this.snapshot(entry, version, loaded);
    } catch (error) {
      this.failed(entry, error);
      return;
    }
    const loadedAt = this.clock.now();
    entry.loaded = { value, version, loadedAt };
    remember(entry, version, value);
    entry.failure = undefined;
    entry.nextLoadAt =
      reference.source.kind === 'static' ? Number.POSITIVE_INFINITY : loadedAt + reference.refreshIntervalMs;
  }

  /** Keeps a version in the snapshot store before any batch can log it (static sources are code: not kept). */
  private async snapshot(entry: CacheEntry, version: string, raw: unknown): Promise<void> {
    if (this.snapshots === undefined || entry.reference.source.kind === 'static') return;
    const now = this.clock.now();
    const fresh = entry.loaded?.version === version && now - (entry.snapshotAt ?? 0) < SNAPSHOT_REWRITE_MS;
    if (fresh) return;
    await putJson(this.snapshots.store, this.snapshotKey(entry.reference.name, version), raw);
    entry.snapshotAt = now;
  }

  private failed(entry: CacheEntry, error: unknown): void {
    const { reference } = entry;
    if (entry.loaded === undefined) {
      entry.failure = new ReferenceDataUnavailableError(reference.name, reference.source, error);
      entry.nextLoadAt = 0;
      return;
    }
    const now = this.clock.now();
    entry.nextLoadAt = now + Math.min(this.retryAfterFailureMs, reference.refreshIntervalMs);
    try {
      this.onRefreshError({
        reference: reference.name,
        source: reference.source,
        error,
        loadedAt: entry.loaded.loadedAt,
        ageMs: now - entry.loaded.loadedAt,
        nextAttemptAt: entry.nextLoadAt,
      });
    } catch {
      // Monitoring must not fail a batch that has a value to work with.
    }
  }

  private read(source: ReferenceSource): Promise<unknown> {
    switch (source.kind) {
      case 'static':
        return Promise.resolve(source.value);
      case 's3-json':
        return this.requireLoader(this.loaders.s3Json, source).load(source);
      case 'dynamodb-table':
        return this.requireLoader(this.loaders.dynamoDbTable, source).load(source);
    }
  }

  private checkLoader(reference: ReferenceData<unknown>): void {
    const { source } = reference;
    const missing =
      (source.kind === 's3-json' && this.loaders.s3Json === undefined) ||
      (source.kind === 'dynamodb-table' && this.loaders.dynamoDbTable === undefined);
    if (missing) {
      throw new InvalidConfigurationError(
        `reference data ${JSON.stringify(reference.name)} has a ${source.kind} source (${describeReferenceSource(source)}) but the cache has no loader for it: pass loaders.${source.kind === 's3-json' ? 's3Json' : 'dynamoDbTable'}`,
      );
    }
  }

  private requireLoader<L>(loader: L | undefined, source: ReferenceSource): L {
    if (loader === undefined) {
      // Unreachable after checkLoader; kept so that a missing loader can never pass silently.
      throw new InvalidConfigurationError(`no loader for ${describeReferenceSource(source)}`);
    }
    return loader;
  }
}

/** Marks a version that could not be read. */
const NOT_AVAILABLE = Symbol('not available');

/** The version of loaded reference data: a hash of its JSON. */
function versionOf(raw: unknown): string {
  return createHash('sha256')
    .update(JSON.stringify(raw) ?? 'undefined')
    .digest('hex')
    .slice(0, 16);
}

/** Adds a version to the entry's recent ones, dropping the oldest beyond {@link RECENT_VERSIONS}. */
function remember(entry: CacheEntry, version: string, value: unknown): void {
  entry.recent.delete(version);
  entry.recent.set(version, value);
  for (const oldest of entry.recent.keys()) {
    if (entry.recent.size <= RECENT_VERSIONS + 1) break;
    entry.recent.delete(oldest);
  }
}

function warnVersionUnavailable(unavailable: ReferenceVersionUnavailable): void {
  console.warn(
    JSON.stringify({
      level: 'WARN',
      message:
        'a replayed batch reads the current reference data: the version its first attempt read is unavailable',
      ...unavailable,
    }),
  );
}

function warnRefreshFailure(failure: ReferenceRefreshFailure): void {
  const { error } = failure;
  console.warn(
    JSON.stringify({
      level: 'WARN',
      message: 'reference data refresh failed; serving the last loaded value',
      reference: failure.reference,
      source: describeReferenceSource(failure.source),
      loadedAt: failure.loadedAt,
      ageMs: failure.ageMs,
      nextAttemptAt: failure.nextAttemptAt,
      errorCode: (error as { code?: unknown } | null)?.code,
      error: describeError(error),
      cause: error instanceof Error && error.cause !== undefined ? describeError(error.cause) : undefined,
    }),
  );
}
