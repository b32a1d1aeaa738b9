import {
  BatchGetItemCommand,
  type DynamoDBClient,
  GetItemCommand,
  PutItemCommand,
  paginateQuery,
  paginateScan,
} from '@aws-sdk/client-dynamodb';
import {
  Attr,
  type Item,
  isConditionalCheckFailed,
  readNumber,
  readString,
  readStringMap,
  stringMap,
} from './dynamodb-items';
import {
  type KeyedStateStore,
  type PutResult,
  refId,
  type StateKeyRef,
  type StoredState,
} from './keyed-state-store';

/** Options of {@link DynamoDbKeyedStateStore}. */
export interface DynamoDbKeyedStateStoreOptions {
  /** The DynamoDB client (built once per container). */
  readonly client: DynamoDBClient;
  /** The state table (partition key `pk`, sort key `sk`, both strings). */
  readonly tableName: string;
  /** The state namespace: pipelines with different namespaces never see each other's state. */
  readonly namespace: string;
}

const BATCH_GET_LIMIT = 100;
const SORT_KEY = 'state';

/**
 * {@link KeyedStateStore} on DynamoDB. One item per (operator, key): the state as JSON (so
 * numbers keep full precision), a version, and the per-partition fencing marks. Every write
 * is a single-item conditional put on the version read, so a batch touching thousands of
 * keys needs no transaction.
 */
export class DynamoDbKeyedStateStore implements KeyedStateStore {
  private readonly client: DynamoDBClient;
  private readonly tableName: string;
  private readonly namespace: string;

  public constructor(options: DynamoDbKeyedStateStoreOptions) {
    this.client = options.client;
    this.tableName = options.tableName;
    this.namespace = options.namespace;
  }

  public async getMany(operatorId: string, refs: readonly StateKeyRef[]): Promise<Map<string, StoredState>> {
    const out = new Map<string, StoredState>();
    const byItemKey = new Map(refs.map((ref) => [itemKeyId(this.key(operatorId, ref)), refId(ref)]));
    const chunks: StateKeyRef[][] = [];
    for (let i = 0; i < refs.length; i += BATCH_GET_LIMIT) chunks.push(refs.slice(i, i + BATCH_GET_LIMIT));
    await Promise.all(
      chunks.map(async (chunk) => {
        let keys: Item[] = chunk.map((ref) => this.key(operatorId, ref));
        for (let attempt = 0; keys.length > 0; attempt++) {
          if (attempt > 0) await sleep(Math.min(1000, 25 * 2 ** attempt));
          const response = await this.client.send(
            new BatchGetItemCommand({
              RequestItems: { [this.tableName]: { Keys: keys, ConsistentRead: true } },
            }),
          );
          for (const item of response.Responses?.[this.tableName] ?? []) {
            const id = byItemKey.get(itemKeyId(item));
            if (id !== undefined) out.set(id, toStored(item));
          }
          keys = response.UnprocessedKeys?.[this.tableName]?.Keys ?? [];
        }
      }),
    );
    return out;
  }

  public async get(operatorId: string, ref: StateKeyRef): Promise<StoredState | undefined> {
    const response = await this.client.send(
      new GetItemCommand({
        TableName: this.tableName,
        Key: this.key(operatorId, ref),
        ConsistentRead: true,
      }),
    );
    return response.Item === undefined ? undefined : toStored(response.Item);
  }

  public async put(
    operatorId: string,
    ref: StateKeyRef,
    next: StoredState,
    expectedVersion: number | undefined,
    expiresAtSeconds?: number,
  ): Promise<PutResult> {
    const item: Item = {
      ...this.key(operatorId, ref),
      [Attr.version]: { N: String(next.version) },
      [Attr.marks]: stringMap(next.marks),
      [Attr.updatedAt]: { N: String(Date.now()) },
    };
    if (next.value !== undefined) item[Attr.state] = { S: JSON.stringify(next.value) };
    if (expiresAtSeconds !== undefined) item[Attr.expiresAt] = { N: String(expiresAtSeconds) };
    try {
      await this.client.send(
        new PutItemCommand({
          TableName: this.tableName,
          Item: item,
          ...(expectedVersion === undefined
            ? {
                ConditionExpression: 'attribute_not_exists(#pk)',
                ExpressionAttributeNames: { '#pk': Attr.pk },
              }
            : {
                ConditionExpression: '#v = :expected',
                ExpressionAttributeNames: { '#v': Attr.version },
                ExpressionAttributeValues: { ':expected': { N: String(expectedVersion) } },
              }),
          ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
        }),
      );
      return { written: true };
    } catch (error) {
      if (!isConditionalCheckFailed(error)) throw error;
      return { written: false, current: error.Item === undefined ? undefined : toStored(error.Item) };
    }
  }

  public async queryGroup(operatorId: string, group: string): Promise<Map<string, StoredState>> {
    const out = new Map<string, StoredState>();
    const pages = paginateQuery(
      { client: this.client },
      {
        TableName: this.tableName,
        ConsistentRead: true,
        KeyConditionExpression: '#pk = :pk',
        ExpressionAttributeNames: { '#pk': Attr.pk },
        ExpressionAttributeValues: { ':pk': { S: this.groupPartitionKey(operatorId, group) } },
      },
    );
    for await (const page of pages) {
      for (const item of page.Items ?? [])
        out.set((readString(item, Attr.sk) ?? '').slice(2), toStored(item));
    }
    return out;
  }

  public async scan(operatorId: string): Promise<Map<string, unknown>> {
    const out = new Map<string, unknown>();
    const prefix = this.partitionKey(operatorId, '');
    const pages = paginateScan(
      { client: this.client },
      {
        TableName: this.tableName,
        ConsistentRead: true,
        FilterExpression: 'begins_with(#pk, :prefix) AND attribute_exists(#s)',
        ExpressionAttributeNames: { '#pk': Attr.pk, '#s': Attr.state },
        ExpressionAttributeValues: { ':prefix': { S: prefix } },
      },
    );
    for await (const page of pages) {
      for (const item of page.Items ?? []) {
        out.set(this.keyIdOf(operatorId, item), JSON.parse(readString(item, Attr.state) ?? 'null'));
      }
    }
    return out;
  }

  /** Plain keys: one partition key per key (spreads load); grouped keys: one partition key per group (queryable). */
  private key(operatorId: string, ref: StateKeyRef): Item {
    return ref.group === undefined
      ? { [Attr.pk]: { S: this.partitionKey(operatorId, ref.keyId) }, [Attr.sk]: { S: SORT_KEY } }
      : {
          [Attr.pk]: { S: this.groupPartitionKey(operatorId, ref.group) },
          [Attr.sk]: { S: `k#${ref.keyId}` },
        };
  }

  private groupPartitionKey(operatorId: string, group: string): string {
    return `${this.namespace}#group#${operatorId}#${group}`;
  }

  private partitionKey(operatorId: string, keyId: string): string {
    return `${this.namespace}#state#${operatorId}#${keyId}`;
  }

  private keyIdOf(operatorId: string, item: Item): string {
    return (readString(item, Attr.pk) ?? '').slice(this.partitionKey(operatorId, '').length);
  }
}

function itemKeyId(item: Item): string {
  return `${readString(item, Attr.pk)}\u0000${readString(item, Attr.sk)}`;
}

function toStored(item: Item): StoredState {
  const json = readString(item, Attr.state);
  return {
    value: json === undefined ? undefined : JSON.parse(json),
    version: readNumber(item, Attr.version) ?? 0,
    marks: readStringMap(item, Attr.marks),
  };
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
