import { InvalidConfigurationError } from '../errors';
import type { ReferenceData, ReferenceResolver } from './reference-data';

/**
 * Resolves reference data from values given up front (by name), falling back to `static`
 * sources: for the in-memory runner and unit tests.
 */
export class StaticReferenceResolver implements ReferenceResolver {
  private readonly parsed = new Map<string, unknown>();

  public constructor(private readonly values: ReadonlyMap<string, unknown> = new Map()) {}

  public get<T>(reference: ReferenceData<T>): T {
    if (this.parsed.has(reference.name)) return this.parsed.get(reference.name) as T;
    let loaded: unknown;
    if (this.values.has(reference.name)) loaded = this.values.get(reference.name);
    else if (reference.source.kind === 'static') loaded = reference.source.value;
    else {
      throw new InvalidConfigurationError(
        `reference data ${JSON.stringify(reference.name)} has no value: pass it in the runner's references option`,
      );
    }
    const value = reference.parse === undefined ? (loaded as T) : reference.parse(loaded);
    this.parsed.set(reference.name, value);
    return value;
  }
}
