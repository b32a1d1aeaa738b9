import { InvalidConfigurationError, type ReferenceData } from '../core';
import type { ReferenceVersions, VersionedReferenceResolver } from '../runtime';

/**
 * A {@link ReferenceResolver} over values fixed when it was made: one batch sees one consistent
 * version of every reference, even if the cache refreshes while the batch runs.
 */
export class SnapshotReferenceResolver implements VersionedReferenceResolver {
  /**
   * @param values the parsed value of each reference, by name
   * @param versions the version of each, by name
   */
  public constructor(
    private readonly values: ReadonlyMap<string, unknown>,
    public readonly versions: ReferenceVersions,
  ) {}

  public get<T>(reference: ReferenceData<T>): T {
    if (!this.values.has(reference.name)) {
      throw new InvalidConfigurationError(
        `reference data ${JSON.stringify(reference.name)} is not among the references this cache loads (${[...this.values.keys()].map((name) => JSON.stringify(name)).join(', ') || 'none'}): build the cache from pipeline.references`,
      );
    }
    return this.values.get(reference.name) as T;
  }
}
