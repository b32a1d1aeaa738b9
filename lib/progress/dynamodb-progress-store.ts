import { type DynamoDBClient, PutItemCommand, paginateQuery, QueryCommand } from '@aws-sdk/client-dynamodb';
import { InvalidConfigurationError } from '../core';
import { Attr, type Item, readNumber, readString } from '../state/dynamodb-items';
import type { ProgressStore } from './progress-store';
import type { BatchFailureEvent, BatchProgress } from './types';

/** Default lifetime of a progress record and a failure event: 7 days. */
export const DEFAULT_PROGRESS_RETENTION_SECONDS = 7 * 24 * 3600;

/** Options of {@link DynamoDbProgressStore}. */
export interface DynamoDbProgressStoreOptions {
  readonly client: DynamoDBClient;
  /** The state table (partition key `pk`, sort key `sk`, TTL on `expiresAt`). */
  readonly tableName: string;
  readonly namespace: string;
  /**
   * How long records are kept: each item carries `expiresAt` (the table's TTL attribute), and readers
   * skip expired items that TTL has not deleted yet.
   *
   * @default 604800 (7 days)
   */
  readonly retentionSeconds?: number;
  /**
   * The clock for expiry times.
   *
   * @default Date.now
   */
  readonly now?: () => number;
}

const BODY = 'p';
const BATCH_DIGITS = 12;

/**
 * {@link ProgressStore} in the state table: one item per (partition, batch), partition key
 * `<namespace>#progress#<partition>`, sort key the zero-padded batch id, so a partition's recent N
 * are one `Query` (newest first, `Limit` N) and a replay of a batch overwrites its item. Failure
 * events: one item per partition under `<namespace>#progress-failures`, read with one `Query`.
 * Items expire through the table's TTL; one `PutItem` per batch (a record is 1 to 2 KB: 1 to 2
 * write units) is the whole added cost per batch.
 */
export class DynamoDbProgressStore implements ProgressStore {
  private readonly client: DynamoDBClient;
  private readonly tableName: string;
  private readonly namespace: string;
  private readonly retentionSeconds: number;
  private readonly now: () => number;

  public constructor(options: DynamoDbProgressStoreOptions) {
    const retention = options.retentionSeconds ?? DEFAULT_PROGRESS_RETENTION_SECONDS;
    if (!Number.isInteger(retention) || retention <= 0) {
      throw new InvalidConfigurationError(
        `progress retentionSeconds must be a positive whole number of seconds (given ${retention}); the default is ${DEFAULT_PROGRESS_RETENTION_SECONDS} (7 days)`,
      );
    }
    this.client = options.client;
    this.tableName = options.tableName;
    this.namespace = options.namespace;
    this.retentionSeconds = retention;
    this.now = options.now ?? Date.now;
  }

  public async write(progress: BatchProgress): Promise<void> {
    await this.put(
      this.recordsKey(progress.partition),
      String(progress.batchId).padStart(BATCH_DIGITS, '0'),
      progress,
    );
  }

  public async writeFailure(event: BatchFailureEvent): Promise<void> {
    await this.put(this.failuresKey(), event.partition, event);
  }

  public async recent(partition: string, n: number): Promise<BatchProgress[]> {
    if (n <= 0) return [];
    const out: BatchProgress[] = [];
    const nowSeconds = Math.floor(this.now() / 1000);
    let start: Item | undefined;
    do {
      const page = await this.client.send(
        new QueryCommand({
          TableName: this.tableName,
          KeyConditionExpression: '#pk = :pk',
          ExpressionAttributeNames: { '#pk': Attr.pk },
          ExpressionAttributeValues: { ':pk': { S: this.recordsKey(partition) } },
          ScanIndexForward: false,
          Limit: n - out.length,
          ...(start === undefined ? {} : { ExclusiveStartKey: start }),
        }),
      );
      for (const item of page.Items ?? []) {
        if (!isExpired(item, nowSeconds)) out.push(parseBody<BatchProgress>(item));
      }
      start = page.LastEvaluatedKey;
    } while (start !== undefined && out.length < n);
    return out;
  }

  public async failures(): Promise<BatchFailureEvent[]> {
    const out: BatchFailureEvent[] = [];
    const nowSeconds = Math.floor(this.now() / 1000);
    const pages = paginateQuery(
      { client: this.client },
      {
        TableName: this.tableName,
        KeyConditionExpression: '#pk = :pk',
        ExpressionAttributeNames: { '#pk': Attr.pk },
        ExpressionAttributeValues: { ':pk': { S: this.failuresKey() } },
      },
    );
    for await (const page of pages) {
      for (const item of page.Items ?? []) {
        if (!isExpired(item, nowSeconds)) out.push(parseBody<BatchFailureEvent>(item));
      }
    }
    return out;
  }

  private async put(pk: string, sk: string, body: unknown): Promise<void> {
    await this.client.send(
      new PutItemCommand({
        TableName: this.tableName,
        Item: {
          [Attr.pk]: { S: pk },
          [Attr.sk]: { S: sk },
          [BODY]: { S: JSON.stringify(body) },
          [Attr.expiresAt]: { N: String(Math.floor(this.now() / 1000) + this.retentionSeconds) },
        },
      }),
    );
  }

  private recordsKey(partition: string): string {
    return `${this.namespace}#progress#${partition}`;
  }

  private failuresKey(): string {
    return `${this.namespace}#progress-failures`;
  }
}

function isExpired(item: Item, nowSeconds: number): boolean {
  const expiresAt = readNumber(item, Attr.expiresAt);
  return expiresAt !== undefined && expiresAt <= nowSeconds;
}

function parseBody<T>(item: Item): T {
  return JSON.parse(readString(item, BODY) ?? 'null') as T;
}
