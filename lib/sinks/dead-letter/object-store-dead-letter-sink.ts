import { type ObjectStore, putJson } from '../../storage';
import type { DeadLetterEntry, DeadLetterSink } from './dead-letter-sink';

/**
 * Dead letters as JSON objects under `dead-letter/<namespace>/<id>.json`. The id is
 * deterministic, so a retried batch rewrites the same objects instead of adding copies.
 */
export class ObjectStoreDeadLetterSink implements DeadLetterSink {
  /** @param root the top-level prefix: `dead-letter` for failures, `late-data` for late records. @default 'dead-letter' */
  public constructor(
    private readonly store: ObjectStore,
    private readonly namespace: string,
    private readonly root = 'dead-letter',
  ) {}

  /** The prefix under which this namespace's entries live. */
  public get prefix(): string {
    return `${this.root}/${this.namespace}/`;
  }

  public async send(entries: readonly DeadLetterEntry[]): Promise<void> {
    await Promise.all(entries.map((entry) => putJson(this.store, `${this.prefix}${entry.id}.json`, entry)));
  }
}
