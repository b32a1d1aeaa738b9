import { MemoryObjectStore, type ObjectStore } from '../storage';
import { Attr, type Item, readNumber, readString } from './dynamodb-items';
import { DynamoDbValidationException, dynamoDbLimitViolation } from './dynamodb-limits';
import type { StateKeyRef } from './keyed-state-store';
import { type ItemPutResult, itemKeyId, StateItemStore } from './state-item-store';

/** Options of {@link MemoryKeyedStateStore}. */
export interface MemoryKeyedStateStoreOptions {
  /**
   * The state namespace.
   *
   * @default 'memory'
   */
  readonly namespace?: string;
  /**
   * Where states too large for an item go.
   *
   * @default a fresh {@link MemoryObjectStore}
   */
  readonly largeStates?: ObjectStore;
  /**
   * Items larger than this keep their state in `largeStates`; lower it only to exercise that path.
   *
   * @default 409600 (DynamoDB's 400 KB item limit)
   */
  readonly inlineItemBytes?: number;
}

/**
 * The in-memory twin of the DynamoDB state store: the same items (addresses, attributes, states
 * kept in the object store) in a map, the same conditional-write semantics, and DynamoDB's limits
 * enforced on every write (2,048-byte partition keys, 1,024-byte sort keys, 400 KB items: a
 * `ValidationException` as DynamoDB raises it), so unit tests fail where DynamoDB would. States
 * round-trip through JSON, so a non-serializable state fails in tests as it would in DynamoDB.
 * Items are never changed once built (every write stores a new one), so reads share them.
 */
export class MemoryKeyedStateStore extends StateItemStore {
  private readonly items = new Map<string, Item>();

  public constructor(options: MemoryKeyedStateStoreOptions = {}) {
    super({
      namespace: options.namespace ?? 'memory',
      largeStates: options.largeStates ?? new MemoryObjectStore(),
      ...(options.inlineItemBytes === undefined ? {} : { inlineItemBytes: options.inlineItemBytes }),
    });
  }

  /** When an item expires (the DynamoDB TTL attribute), in epoch seconds; `undefined` when never or absent. */
  public expiryOf(operatorId: string, ref: StateKeyRef): number | undefined {
    const item = this.items.get(itemKeyId(this.address(operatorId, ref).key));
    return item === undefined ? undefined : readNumber(item, Attr.expiresAt);
  }

  /** Every stored item (copies), for assertions on what DynamoDB would hold. */
  public storedItems(): Item[] {
    return [...this.items.values()].map((item) => structuredClone(item));
  }

  protected async getItem(key: Item): Promise<Item | undefined> {
    const item = this.items.get(itemKeyId(key));
    return item === undefined ? undefined : item;
  }

  protected async getItems(keys: readonly Item[]): Promise<Item[]> {
    const out: Item[] = [];
    for (const id of new Set(keys.map(itemKeyId))) {
      const item = this.items.get(id);
      if (item !== undefined) out.push(item);
    }
    return out;
  }

  protected async putItem(item: Item, expectedVersion: number | undefined): Promise<ItemPutResult> {
    const violation = dynamoDbLimitViolation(item);
    if (violation !== undefined) throw new DynamoDbValidationException(violation);
    const id = itemKeyId(item);
    const stored = this.items.get(id);
    const storedVersion = stored === undefined ? undefined : readNumber(stored, Attr.version);
    if (storedVersion !== expectedVersion)
      return { written: false, current: stored === undefined ? undefined : stored };
    this.items.set(id, item);
    return { written: true, replaced: stored };
  }

  protected async queryItems(partitionKey: string): Promise<Item[]> {
    return [...this.items.values()]
      .filter((item) => readString(item, Attr.pk) === partitionKey)
      .sort((a, b) => ((readString(a, Attr.sk) ?? '') < (readString(b, Attr.sk) ?? '') ? -1 : 1))
      .map((item) => item);
  }

  protected async scanItems(prefix: string): Promise<Item[]> {
    return [...this.items.values()]
      .filter(
        (item) =>
          (readString(item, Attr.pk) ?? '').startsWith(prefix) &&
          (item[Attr.state] !== undefined || item[Attr.object] !== undefined),
      )
      .map((item) => item);
  }
}
