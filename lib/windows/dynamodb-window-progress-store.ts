import { type DynamoDBClient, GetItemCommand, UpdateItemCommand } from '@aws-sdk/client-dynamodb';
import { Attr, type Item, isConditionalCheckFailed, readNumber } from '../state/dynamodb-items';
import type { WindowProgress, WindowProgressStore } from './window-progress-store';

/** Options of {@link DynamoDbWindowProgressStore}. */
export interface DynamoDbWindowProgressStoreOptions {
  readonly client: DynamoDBClient;
  /** The state table (`pk`/`sk`). */
  readonly tableName: string;
  readonly namespace: string;
}

/** Attribute name prefix of a timer bucket's version in a bucket index item (`t<bucket>`). */
const BUCKET_PREFIX = 't';

/**
 * {@link WindowProgressStore} on DynamoDB: one item per windowed operator holding the pane
 * index as a number set (`ADD`/`DELETE` are idempotent) and the frontier (moved forward
 * with a condition), one item holding the namespace's event-time floor, and one item per
 * timer bucket index holding a sequence and one numeric attribute per bucket, its version: every
 * add sets the added buckets to the next sequence number in one update, and removal is
 * conditional on the version.
 */
export class DynamoDbWindowProgressStore implements WindowProgressStore {
  private readonly client: DynamoDBClient;
  private readonly tableName: string;
  private readonly namespace: string;

  public constructor(options: DynamoDbWindowProgressStoreOptions) {
    this.client = options.client;
    this.tableName = options.tableName;
    this.namespace = options.namespace;
  }

  public async read(operatorId: string): Promise<WindowProgress> {
    const { Item: item } = await this.client.send(
      new GetItemCommand({
        TableName: this.tableName,
        Key: this.key(`op#${operatorId}`),
        ConsistentRead: true,
      }),
    );
    return {
      frontier: item === undefined ? undefined : readNumber(item, 'frontier'),
      panes: (item?.panes?.NS ?? []).map(Number).sort((a, b) => a - b),
    };
  }

  public async addPanes(operatorId: string, panes: readonly number[]): Promise<void> {
    if (panes.length === 0) return;
    await this.client.send(
      new UpdateItemCommand({
        TableName: this.tableName,
        Key: this.key(`op#${operatorId}`),
        UpdateExpression: 'ADD panes :panes',
        ExpressionAttributeValues: { ':panes': { NS: panes.map(String) } },
      }),
    );
  }

  public async removePanes(operatorId: string, panes: readonly number[]): Promise<void> {
    if (panes.length === 0) return;
    await this.client.send(
      new UpdateItemCommand({
        TableName: this.tableName,
        Key: this.key(`op#${operatorId}`),
        UpdateExpression: 'DELETE panes :panes',
        ExpressionAttributeValues: { ':panes': { NS: panes.map(String) } },
      }),
    );
  }

  public async advanceFrontier(operatorId: string, end: number): Promise<boolean> {
    return this.raise(`op#${operatorId}`, 'frontier', end);
  }

  public async readClockFloor(): Promise<number | undefined> {
    const { Item: item } = await this.client.send(
      new GetItemCommand({ TableName: this.tableName, Key: this.key('clock-floor'), ConsistentRead: true }),
    );
    return item === undefined ? undefined : readNumber(item, 'floor');
  }

  public async raiseClockFloor(to: number): Promise<void> {
    await this.raise('clock-floor', 'floor', to);
  }

  public async readBuckets(indexId: string): Promise<ReadonlyMap<number, number>> {
    const { Item: item } = await this.client.send(
      new GetItemCommand({ TableName: this.tableName, Key: this.key(`op#${indexId}`), ConsistentRead: true }),
    );
    return bucketVersions(item);
  }

  public async addBuckets(indexId: string, buckets: readonly number[]): Promise<ReadonlyMap<number, number>> {
    const unique = [...new Set(buckets)];
    if (unique.length === 0) return new Map();
    const names = Object.fromEntries(unique.map((bucket, i) => [`#b${i}`, `${BUCKET_PREFIX}${bucket}`]));
    // Every operand reads the item as it was before the update: all get the same, new sequence number.
    const next = 'if_not_exists(#seq, :zero) + :one';
    const { Attributes: updated } = await this.client.send(
      new UpdateItemCommand({
        TableName: this.tableName,
        Key: this.key(`op#${indexId}`),
        UpdateExpression: `SET #seq = ${next}, ${Object.keys(names)
          .map((name) => `${name} = ${next}`)
          .join(', ')}`,
        ExpressionAttributeNames: { '#seq': 'sequence', ...names },
        ExpressionAttributeValues: { ':zero': { N: '0' }, ':one': { N: '1' } },
        ReturnValues: 'UPDATED_NEW',
      }),
    );
    return bucketVersions(updated);
  }

  public async removeBucket(indexId: string, bucket: number, version: number): Promise<boolean> {
    try {
      await this.client.send(
        new UpdateItemCommand({
          TableName: this.tableName,
          Key: this.key(`op#${indexId}`),
          UpdateExpression: 'REMOVE #b',
          ConditionExpression: '#b = :version',
          ExpressionAttributeNames: { '#b': `${BUCKET_PREFIX}${bucket}` },
          ExpressionAttributeValues: { ':version': { N: String(version) } },
        }),
      );
      return true;
    } catch (error) {
      if (isConditionalCheckFailed(error)) return false;
      throw error;
    }
  }

  private async raise(sortKey: string, attribute: string, to: number): Promise<boolean> {
    try {
      await this.client.send(
        new UpdateItemCommand({
          TableName: this.tableName,
          Key: this.key(sortKey),
          UpdateExpression: 'SET #a = :to',
          ConditionExpression: 'attribute_not_exists(#a) OR #a < :to',
          ExpressionAttributeNames: { '#a': attribute },
          ExpressionAttributeValues: { ':to': { N: String(to) } },
        }),
      );
      return true;
    } catch (error) {
      if (isConditionalCheckFailed(error)) return false;
      throw error;
    }
  }

  private key(sortKey: string): Item {
    return { [Attr.pk]: { S: `${this.namespace}#windows` }, [Attr.sk]: { S: sortKey } };
  }
}

/** The bucket versions held by a bucket index item (or returned by an update). */
function bucketVersions(item: Item | undefined): Map<number, number> {
  const versions = new Map<number, number>();
  for (const [name, value] of Object.entries(item ?? {})) {
    const bucket = Number(name.slice(BUCKET_PREFIX.length));
    if (name.startsWith(BUCKET_PREFIX) && Number.isFinite(bucket) && value.N !== undefined)
      versions.set(bucket, Number(value.N));
  }
  return new Map([...versions].sort(([a], [b]) => a - b));
}
