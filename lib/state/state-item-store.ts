import { createHash, randomUUID } from 'node:crypto';
import { InvalidConfigurationError, utf8Length } from '../core';
import type { ObjectStore } from '../storage';
import { Attr, type Item, readNumber, readString, readStringMap, stringMap } from './dynamodb-items';
import { DynamoDbLimits, itemFits } from './dynamodb-limits';
import { StateObjectMissingError } from './errors';
import {
  type KeyedStateStore,
  type PutResult,
  refId,
  type StateKeyRef,
  type StoredState,
} from './keyed-state-store';

/** Where states too large for an item are kept in the pipeline's bucket: `state/<namespace>/…`. */
export const STATE_OBJECT_PREFIX = 'state/';

/**
 * What separates the readable start of a long key id from the SHA-256 of the whole key id in an
 * item's address. Key ids are JSON (optionally after `<number>|` window prefixes), so a key id never
 * ends in `~sha256:` and 64 hex digits: a hashed address never equals a plain one.
 */
export const HASHED_KEY_MARK = '~sha256:';

/** How many characters of a long key id its hashed address keeps, so items stay readable in the console. */
const READABLE_KEY_CHARS = 64;
const HASHED_ADDRESS = /~sha256:[0-9a-f]{64}$/;
const SORT_KEY = 'state';
const DECODE_CONCURRENCY = 16;
/** How often a read follows an item whose object was replaced while it was being read. */
const MAX_REREADS = 5;

/** Options every {@link StateItemStore} takes. */
export interface StateItemStoreOptions {
  /** The state namespace: pipelines with different namespaces never see each other's state. */
  readonly namespace: string;
  /**
   * Where states too large for a DynamoDB item are written (`state/<namespace>/` in the pipeline's
   * bucket); the item then holds the object's key.
   */
  readonly largeStates: ObjectStore;
  /**
   * Items larger than this (DynamoDB's item size, attribute names, key and marks included) keep
   * their state in `largeStates` instead. Lower it only to exercise the offload path in tests.
   *
   * @default 409600 (DynamoDB's 400 KB item limit)
   * @throws InvalidConfigurationError (at construction) when not a whole number from 0 to 409600
   */
  readonly inlineItemBytes?: number;
}

/** What a conditional item write returned: the replaced item, or the item that made it fail. */
export type ItemPutResult =
  | { readonly written: true; readonly replaced: Item | undefined }
  | { readonly written: false; readonly current: Item | undefined };

interface Decoded {
  /** The key id, when the item (or its object) names it; else it is in the item's address. */
  readonly keyId: string | undefined;
  readonly stored: StoredState;
}

/**
 * The {@link KeyedStateStore} protocol over DynamoDB-shaped items, shared by the DynamoDB adapter
 * and its in-memory twin (which differ only in how an item is read and written):
 *
 * - **Addressing.** A key lives at partition key `<namespace>#state#<operator>#<keyId>` (plain keys)
 *   or sort key `k#<keyId>` under its group's partition key. When that exceeds DynamoDB's key limits
 *   (2,048 bytes for a partition key, 1,024 for a sort key), the address becomes the key id's first
 *   characters, {@link HASHED_KEY_MARK} and the SHA-256 of the whole key id, and the item keeps the
 *   full key id in attribute `k`. Keys that fit keep the address they always had.
 * - **Large states.** When the item would exceed `inlineItemBytes`, the state (with its key id) is
 *   written first to a new object `state/<namespace>/<item hash>/<version>-<uuid>` and the item holds
 *   its key in attribute `o`. The item's single conditional put stays the fencing point: the object
 *   is unreachable until that put wins. After a won put the object of the replaced item is deleted
 *   (only that item pointed to it); after a lost one, this attempt's object, unless the winning item
 *   is this very write (a retried request that had succeeded). A reader that finds an object gone
 *   re-reads the item (a newer write replaced it). A crash between the object's put and the item's,
 *   or between the item's put and the old object's delete, leaves an unreferenced object behind.
 */
export abstract class StateItemStore implements KeyedStateStore {
  protected readonly namespace: string;
  private readonly largeStates: ObjectStore;
  private readonly inlineItemBytes: number;

  protected constructor(options: StateItemStoreOptions) {
    this.namespace = options.namespace;
    this.largeStates = options.largeStates;
    this.inlineItemBytes = options.inlineItemBytes ?? DynamoDbLimits.ITEM_BYTES;
    if (
      !Number.isInteger(this.inlineItemBytes) ||
      this.inlineItemBytes < 0 ||
      this.inlineItemBytes > DynamoDbLimits.ITEM_BYTES
    ) {
      throw new InvalidConfigurationError(
        `inlineItemBytes must be a whole number between 0 and ${DynamoDbLimits.ITEM_BYTES} inclusive, DynamoDB's item size limit (given ${options.inlineItemBytes}); omit it to keep states inline up to that limit`,
      );
    }
  }

  /** Consistent read of one item by its key (`pk`, `sk`). */
  protected abstract getItem(key: Item): Promise<Item | undefined>;
  /** Consistent read of many items by key; absent ones are left out. */
  protected abstract getItems(keys: readonly Item[]): Promise<Item[]>;
  /**
   * Writes `item` if the stored version equals `expectedVersion` (`undefined`: if there is no item),
   * returning the item it replaced, or the current item when the condition failed (if known).
   */
  protected abstract putItem(item: Item, expectedVersion: number | undefined): Promise<ItemPutResult>;
  /** Consistent read of every item with partition key `partitionKey`. */
  protected abstract queryItems(partitionKey: string): Promise<Item[]>;
  /** Consistent read of every item holding a state (`s` or `o`) whose partition key starts with `prefix`. */
  protected abstract scanItems(prefix: string): Promise<Item[]>;

  public async getMany(operatorId: string, refs: readonly StateKeyRef[]): Promise<Map<string, StoredState>> {
    const keys = refs.map((ref) => this.address(operatorId, ref).key);
    const byItemKey = new Map(keys.map((key, index) => [itemKeyId(key), refId(refs[index] as StateKeyRef)]));
    const items = await this.getItems(keys);
    const out = new Map<string, StoredState>();
    await this.decodeAll(items, (item, decoded) => {
      const id = byItemKey.get(itemKeyId(item));
      if (id !== undefined) out.set(id, decoded.stored);
    });
    return out;
  }

  public async get(operatorId: string, ref: StateKeyRef): Promise<StoredState | undefined> {
    const item = await this.getItem(this.address(operatorId, ref).key);
    return item === undefined ? undefined : (await this.decode(item))?.stored;
  }

  public async put(
    operatorId: string,
    ref: StateKeyRef,
    next: StoredState,
    expectedVersion: number | undefined,
    expiresAtSeconds?: number,
  ): Promise<PutResult> {
    const { item, object } = await this.encode(operatorId, ref, next, expiresAtSeconds);
    const result = await this.putItem(item, expectedVersion);
    if (result.written) {
      const replacedObject =
        result.replaced === undefined ? undefined : readString(result.replaced, Attr.object);
      if (replacedObject !== undefined && replacedObject !== object)
        await this.largeStates.delete(replacedObject);
      return { written: true };
    }
    let current = result.current;
    if (object !== undefined) {
      current ??= await this.getItem(keyOf(item));
      // Unreferenced unless the winner is this very write (a retried request whose first attempt won).
      if (current === undefined || readString(current, Attr.object) !== object)
        await this.largeStates.delete(object);
    }
    return {
      written: false,
      current: current === undefined ? undefined : (await this.decode(current))?.stored,
    };
  }

  public async queryGroup(operatorId: string, group: string): Promise<Map<string, StoredState>> {
    const out = new Map<string, StoredState>();
    await this.decodeAll(
      await this.queryItems(this.groupPartitionKey(operatorId, group)),
      (item, decoded) => {
        const keyId = decoded.keyId ?? plainKeyId(readString(item, Attr.sk) ?? '', 'k#'.length);
        if (keyId !== undefined) out.set(keyId, decoded.stored);
      },
    );
    return out;
  }

  public async scan(operatorId: string): Promise<Map<string, unknown>> {
    const prefix = this.statePartitionKey(operatorId, '');
    const out = new Map<string, unknown>();
    await this.decodeAll(await this.scanItems(prefix), (item, decoded) => {
      const keyId = decoded.keyId ?? plainKeyId(readString(item, Attr.pk) ?? '', prefix.length);
      if (keyId !== undefined && decoded.stored.value !== undefined) out.set(keyId, decoded.stored.value);
    });
    return out;
  }

  /** The item key of a state key, and whether it is hashed (see the class comment). */
  protected address(operatorId: string, ref: StateKeyRef): { readonly key: Item; readonly hashed: boolean } {
    if (ref.group === undefined) {
      const pk = boundedKey(
        this.statePartitionKey(operatorId, ''),
        ref.keyId,
        DynamoDbLimits.PARTITION_KEY_BYTES,
      );
      return { key: { [Attr.pk]: { S: pk.value }, [Attr.sk]: { S: SORT_KEY } }, hashed: pk.hashed };
    }
    const sk = boundedKey('k#', ref.keyId, DynamoDbLimits.SORT_KEY_BYTES);
    return {
      key: { [Attr.pk]: { S: this.groupPartitionKey(operatorId, ref.group) }, [Attr.sk]: { S: sk.value } },
      hashed: sk.hashed,
    };
  }

  private groupPartitionKey(operatorId: string, group: string): string {
    return `${this.namespace}#group#${operatorId}#${group}`;
  }

  private statePartitionKey(operatorId: string, keyId: string): string {
    return `${this.namespace}#state#${operatorId}#${keyId}`;
  }

  /** The item for `next`; writes the state's object first when the item would be too large. */
  private async encode(
    operatorId: string,
    ref: StateKeyRef,
    next: StoredState,
    expiresAtSeconds: number | undefined,
  ): Promise<{ readonly item: Item; readonly object?: string }> {
    const { key, hashed } = this.address(operatorId, ref);
    const item: Item = {
      ...key,
      ...(hashed ? { [Attr.keyId]: { S: ref.keyId } } : {}),
      [Attr.version]: { N: String(next.version) },
      [Attr.marks]: stringMap(next.marks),
      [Attr.updatedAt]: { N: String(Date.now()) },
      ...(expiresAtSeconds === undefined ? {} : { [Attr.expiresAt]: { N: String(expiresAtSeconds) } }),
    };
    if (next.value === undefined) return { item: withoutOversizedKeyId(item) };
    const json = JSON.stringify(next.value);
    const inline: Item = { ...item, [Attr.state]: { S: json } };
    if (itemFits(inline, this.inlineItemBytes)) return { item: inline };
    const object = `${STATE_OBJECT_PREFIX}${this.namespace}/${sha256(itemKeyId(key))}/${next.version}-${randomUUID()}`;
    await this.largeStates.put(
      object,
      `{"keyId":${JSON.stringify(ref.keyId)},"state":${json}}`,
      'application/json',
    );
    return { item: withoutOversizedKeyId({ ...item, [Attr.object]: { S: object } }), object };
  }

  /** Decodes items with bounded concurrency (objects are fetched), skipping items that vanished meanwhile. */
  private async decodeAll(
    items: readonly Item[],
    use: (item: Item, decoded: Decoded) => void,
  ): Promise<void> {
    for (let i = 0; i < items.length; i += DECODE_CONCURRENCY) {
      const chunk = items.slice(i, i + DECODE_CONCURRENCY);
      const decoded = await Promise.all(chunk.map((item) => this.decode(item)));
      chunk.forEach((item, index) => {
        const entry = decoded[index];
        if (entry !== undefined) use(item, entry);
      });
    }
  }

  /**
   * An item's state, read from its object when it has one. An object gone means a newer write
   * replaced the item (and deleted it) after the item was read: the item is read again.
   *
   * @throws {@link StateObjectMissingError} when an unchanged item points to an object that is gone
   */
  private async decode(item: Item): Promise<Decoded | undefined> {
    let current = item;
    for (let rereads = 0; ; rereads++) {
      const object = readString(current, Attr.object);
      const version = readNumber(current, Attr.version) ?? 0;
      const marks = readStringMap(current, Attr.marks);
      const keyId = readString(current, Attr.keyId);
      if (object === undefined) {
        const json = readString(current, Attr.state);
        return {
          keyId,
          stored: { value: json === undefined ? undefined : JSON.parse(json), version, marks },
        };
      }
      const body = await this.largeStates.get(object);
      if (body !== undefined) {
        const content = JSON.parse(new TextDecoder().decode(body)) as { keyId: string; state: unknown };
        return { keyId: keyId ?? content.keyId, stored: { value: content.state, version, marks } };
      }
      const again = await this.getItem(keyOf(current));
      if (again === undefined) return undefined;
      if (readString(again, Attr.object) === object || rereads >= MAX_REREADS)
        throw new StateObjectMissingError(itemKeyId(current), object);
      current = again;
    }
  }
}

/** `prefix + keyId` when it fits in `limitBytes`, else `prefix`, the key id's start and its SHA-256. */
function boundedKey(prefix: string, keyId: string, limitBytes: number): { value: string; hashed: boolean } {
  const plain = prefix + keyId;
  if (plain.length <= limitBytes / 3 || utf8Length(plain) <= limitBytes)
    return { value: plain, hashed: false };
  let readable = keyId.slice(0, READABLE_KEY_CHARS);
  // Never end on the first half of a surrogate pair.
  if (/[\uD800-\uDBFF]$/.test(readable)) readable = readable.slice(0, -1);
  return { value: `${prefix}${readable}${HASHED_KEY_MARK}${sha256(keyId)}`, hashed: true };
}

/** The key id in a plain address after `offset` characters, or `undefined` for a hashed address. */
function plainKeyId(address: string, offset: number): string | undefined {
  return HASHED_ADDRESS.test(address) ? undefined : address.slice(offset);
}

/** Drops the full key id from an item that would exceed DynamoDB's item size with it (its object keeps it). */
function withoutOversizedKeyId(item: Item): Item {
  if (item[Attr.keyId] === undefined || itemFits(item, DynamoDbLimits.ITEM_BYTES)) return item;
  const { [Attr.keyId]: _dropped, ...rest } = item;
  return rest;
}

function keyOf(item: Item): Item {
  return { [Attr.pk]: item[Attr.pk] ?? { S: '' }, [Attr.sk]: item[Attr.sk] ?? { S: '' } };
}

/** An item key as one string (partition key, NUL, sort key). */
export function itemKeyId(item: Item): string {
  return `${readString(item, Attr.pk)}\u0000${readString(item, Attr.sk)}`;
}

function sha256(text: string): string {
  return createHash('sha256').update(text, 'utf8').digest('hex');
}
