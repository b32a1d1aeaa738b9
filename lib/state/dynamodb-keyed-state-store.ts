import {
  BatchGetItemCommand,
  type DynamoDBClient,
  GetItemCommand,
  PutItemCommand,
  paginateQuery,
  paginateScan,
} from '@aws-sdk/client-dynamodb';
import type { ObjectStore } from '../storage';
import { Attr, type Item, isConditionalCheckFailed } from './dynamodb-items';
import { type ItemPutResult, itemKeyId, StateItemStore } from './state-item-store';

/** Options of {@link DynamoDbKeyedStateStore}. */
export interface DynamoDbKeyedStateStoreOptions {
  /** The DynamoDB client (built once per container). */
  readonly client: DynamoDBClient;
  /** The state table (partition key `pk`, sort key `sk`, both strings). */
  readonly tableName: string;
  /** The state namespace: pipelines with different namespaces never see each other's state. */
  readonly namespace: string;
  /**
   * Where states too large for a DynamoDB item go: the pipeline's bucket (objects under
   * `state/<namespace>/`, deleted when replaced).
   */
  readonly largeStates: ObjectStore;
  /**
   * Items larger than this keep their state in `largeStates`; lower it only to exercise that path.
   *
   * @default 409600 (DynamoDB's 400 KB item limit)
   */
  readonly inlineItemBytes?: number;
}

const BATCH_GET_LIMIT = 100;

/**
 * {@link KeyedStateStore} on DynamoDB. One item per (operator, key): the state as JSON (so
 * numbers keep full precision), a version, and the per-partition fencing marks. Every write
 * is a single-item conditional put on the version read, so a batch touching thousands of
 * keys needs no transaction. Keys of any length and states up to `MAX_STATE_BYTES` fit: see
 * {@link StateItemStore} for the hashed addresses and the states kept in S3.
 */
export class DynamoDbKeyedStateStore extends StateItemStore {
  private readonly client: DynamoDBClient;
  private readonly tableName: string;

  public constructor(options: DynamoDbKeyedStateStoreOptions) {
    super(options);
    this.client = options.client;
    this.tableName = options.tableName;
  }

  protected async getItem(key: Item): Promise<Item | undefined> {
    const response = await this.client.send(
      new GetItemCommand({ TableName: this.tableName, Key: key, ConsistentRead: true }),
    );
    return response.Item;
  }

  protected async getItems(keys: readonly Item[]): Promise<Item[]> {
    const unique = [...new Map(keys.map((key) => [itemKeyId(key), key])).values()];
    const chunks: Item[][] = [];
    for (let i = 0; i < unique.length; i += BATCH_GET_LIMIT)
      chunks.push(unique.slice(i, i + BATCH_GET_LIMIT));
    const out: Item[] = [];
    await Promise.all(
      chunks.map(async (chunk) => {
        let pending = chunk;
        for (let attempt = 0; pending.length > 0; attempt++) {
          if (attempt > 0) await sleep(Math.min(1000, 25 * 2 ** attempt));
          const response = await this.client.send(
            new BatchGetItemCommand({
              RequestItems: { [this.tableName]: { Keys: pending, ConsistentRead: true } },
            }),
          );
          out.push(...(response.Responses?.[this.tableName] ?? []));
          pending = response.UnprocessedKeys?.[this.tableName]?.Keys ?? [];
        }
      }),
    );
    return out;
  }

  protected async putItem(item: Item, expectedVersion: number | undefined): Promise<ItemPutResult> {
    try {
      const response = await this.client.send(
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
          // The replaced item names the object to delete when it kept its state in S3.
          ReturnValues: 'ALL_OLD',
          ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
        }),
      );
      return { written: true, replaced: response.Attributes };
    } catch (error) {
      if (!isConditionalCheckFailed(error)) throw error;
      return { written: false, current: error.Item };
    }
  }

  protected async queryItems(partitionKey: string): Promise<Item[]> {
    const items: Item[] = [];
    const pages = paginateQuery(
      { client: this.client },
      {
        TableName: this.tableName,
        ConsistentRead: true,
        KeyConditionExpression: '#pk = :pk',
        ExpressionAttributeNames: { '#pk': Attr.pk },
        ExpressionAttributeValues: { ':pk': { S: partitionKey } },
      },
    );
    for await (const page of pages) items.push(...(page.Items ?? []));
    return items;
  }

  protected async scanItems(prefix: string): Promise<Item[]> {
    const items: Item[] = [];
    const pages = paginateScan(
      { client: this.client },
      {
        TableName: this.tableName,
        ConsistentRead: true,
        FilterExpression: 'begins_with(#pk, :prefix) AND (attribute_exists(#s) OR attribute_exists(#o))',
        ExpressionAttributeNames: { '#pk': Attr.pk, '#s': Attr.state, '#o': Attr.object },
        ExpressionAttributeValues: { ':prefix': { S: prefix } },
      },
    );
    for await (const page of pages) items.push(...(page.Items ?? []));
    return items;
  }
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
