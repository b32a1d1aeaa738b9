import type { ReferenceResolver } from '../core';

/** Per reference name, the version (a content hash) of the value served. */
export type ReferenceVersions = Readonly<Record<string, string>>;

/** A resolver that tells which version of each reference it serves. */
export interface VersionedReferenceResolver extends ReferenceResolver {
  /**
   * The version of every reference the resolver serves; the executor records them with each claimed
   * batch in the write-ahead log.
   *
   * @default none: the provider does not version its data, so a replay sees the data current then
   */
  readonly versions?: ReferenceVersions;
}

/** Supplies loaded reference data; implementations cache per container and refresh on their interval. */
export interface ReferenceProvider {
  /** The reference data to use for the next batch (loads or refreshes what is due). */
  current(): Promise<VersionedReferenceResolver>;
  /**
   * The reference data of the given versions, for the replay of a claimed batch: its outputs are then
   * those of its first attempt, even if the data changed in between.
   *
   * @default none: replays use {@link current}
   */
  pinned?(versions: ReferenceVersions): Promise<ReferenceResolver>;
}
