import {
  type Clock,
  describeError,
  InvalidConfigurationError,
  type ReferenceData,
  type ReferenceResolver,
  type ReferenceSource,
  systemClock,
} from '../core';
import type { ReferenceProvider } from '../runtime';
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
}

interface CacheEntry {
  readonly reference: ReferenceData<unknown>;
  /** The last good value and when it was loaded. */
  loaded?: { readonly value: unknown; readonly loadedAt: number };
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
 * - `parse` runs once per load, not per batch or per lookup.
 * - A failed refresh keeps serving the last good value, reports the failure to `onRefreshError`
 *   and tries again after `retryAfterFailureMs`; a reference that has never loaded fails the
 *   call with a `ReferenceDataUnavailableError` (code `REFERENCE_DATA_UNAVAILABLE`, the load
 *   error as `cause`), and every later call tries again.
 * - Each call returns a snapshot: a batch sees one version of every reference.
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
    this.entries = [...byName.values()].map((reference) => ({ reference, nextLoadAt: 0 }));
  }

  /**
   * The reference data for the next batch: loads what was never loaded and refreshes what is
   * due, then returns a snapshot.
   *
   * @throws ReferenceDataUnavailableError when a reference has no value yet (its load failed).
   */
  public async current(): Promise<ReferenceResolver> {
    const now = this.clock.now();
    const due = this.entries.filter(
      (entry) => entry.inflight !== undefined || entry.loaded === undefined || now >= entry.nextLoadAt,
    );
    await Promise.all(due.map((entry) => this.load(entry)));
    const values = new Map<string, unknown>();
    for (const entry of this.entries) {
      if (entry.loaded === undefined) {
        throw (
          entry.failure ??
          new ReferenceDataUnavailableError(entry.reference.name, entry.reference.source, 'not loaded')
        );
      }
      values.set(entry.reference.name, entry.loaded.value);
    }
    return new SnapshotReferenceResolver(values);
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
    try {
      const loaded = await this.read(reference.source);
      try {
        value = reference.parse === undefined ? loaded : reference.parse(loaded);
      } catch (error) {
        throw new ReferenceParseError(reference.name, error);
      }
    } catch (error) {
      this.failed(entry, error);
      return;
    }
    const loadedAt = this.clock.now();
    entry.loaded = { value, loadedAt };
    entry.failure = undefined;
    entry.nextLoadAt =
      reference.source.kind === 'static' ? Number.POSITIVE_INFINITY : loadedAt + reference.refreshIntervalMs;
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
