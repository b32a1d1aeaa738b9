import { type DynamoDBClient, GetItemCommand, UpdateItemCommand } from '@aws-sdk/client-dynamodb';
import { type Item, isConditionalCheckFailed, readNumber } from '../state/dynamodb-items';
import type { WindowProgress, WindowProgressStore } from './window-progress-store';

/** Options of {@link DynamoDbWindowProgressStore}. */
export interface DynamoDbWindowProgressStoreOptions {
  readonly client: DynamoDBClient;
  /** The state table (`pk`/`sk`). */
  readonly tableName: string;
  readonly namespace: string;
}

/**
 * {@link WindowProgressStore} on DynamoDB: one item per windowed operator holding the pane
 * index as a number set (`ADD`/`DELETE` are idempotent) and the frontier (moved forward
 * with a condition), and one item holding the namespace's event-time floor.
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
    return { pk: { S: `${this.namespace}#windows` }, sk: { S: sortKey } };
  }
}
