import type { ReferenceResolver } from '../core';

/** Supplies loaded reference data; implementations cache per container and refresh on their interval. */
export interface ReferenceProvider {
  /** The reference data to use for the next batch (loads or refreshes what is due). */
  current(): Promise<ReferenceResolver>;
}
