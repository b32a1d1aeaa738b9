import {
  type AttributeValue,
  type DynamoDBClient,
  GetItemCommand,
  PutItemCommand,
  paginateQuery,
} from '@aws-sdk/client-dynamodb';
import { Attr, type Item, isConditionalCheckFailed, readNumber, readString } from '../state/dynamodb-items';
import {
  EMPTY_LEDGER,
  type LedgerEntry,
  type OpenBatch,
  type PartitionLedgerStore,
} from './partition-ledger';

/** Options of {@link DynamoDbPartitionLedgerStore}. */
export interface DynamoDbPartitionLedgerStoreOptions {
  /** The DynamoDB client (built once per container). */
  readonly client: DynamoDBClient;
  /** The state table (partition key `pk`, sort key `sk`). */
  readonly tableName: string;
  /** The state namespace. */
  readonly namespace: string;
}

const SORT_PREFIX = 'p#';

/**
 * {@link PartitionLedgerStore} on DynamoDB: one item per partition in the state table. The
 * committed offset is a length-prefixed decimal string, so the condition
 * `committed <= :committed` compares 56-digit Kinesis sequence numbers numerically; a write
 * without a committed offset is refused once the partition has one.
 */
export class DynamoDbPartitionLedgerStore implements PartitionLedgerStore {
  private readonly client: DynamoDBClient;
  private readonly tableName: string;
  private readonly namespace: string;

  public constructor(options: DynamoDbPartitionLedgerStoreOptions) {
    this.client = options.client;
    this.tableName = options.tableName;
    this.namespace = options.namespace;
  }

  public async read(partition: string): Promise<LedgerEntry> {
    const response = await this.client.send(
      new GetItemCommand({ TableName: this.tableName, Key: this.key(partition), ConsistentRead: true }),
    );
    return response.Item === undefined ? EMPTY_LEDGER : toEntry(response.Item);
  }

  public async write(partition: string, next: LedgerEntry, expectedVersion: number): Promise<boolean> {
    const item: Item = {
      ...this.key(partition),
      [Attr.version]: { N: String(next.version) },
      next: { N: String(next.nextBatchNumber) },
      [Attr.updatedAt]: { N: String(Date.now()) },
    };
    if (next.committedOffsetKey !== undefined) item.committed = { S: next.committedOffsetKey };
    if (next.open !== undefined) item.open = openToAttribute(next.open);
    if (next.maxEventTime !== undefined) item.maxEventTime = { N: String(next.maxEventTime) };
    if (next.eventTimeFloor !== undefined) item.eventTimeFloor = { N: String(next.eventTimeFloor) };
    if (next.lastActiveAt !== undefined) item.lastActiveAt = { N: String(next.lastActiveAt) };
    if (next.originOffsetKey !== undefined) item.origin = { S: next.originOffsetKey };
    if (next.maxArrivalTime !== undefined) item.maxArrivalTime = { N: String(next.maxArrivalTime) };
    if (next.movedTo !== undefined) item.movedTo = { S: next.movedTo };
    if (next.migratedFrom !== undefined) item.migratedFrom = { S: next.migratedFrom };
    const names: Record<string, string> = { '#v': Attr.version };
    const values: Record<string, AttributeValue> = {};
    let condition: string;
    if (expectedVersion === 0) {
      condition = 'attribute_not_exists(#v)';
    } else {
      condition = '#v = :expected';
      values[':expected'] = { N: String(expectedVersion) };
    }
    names['#committed'] = 'committed';
    if (next.committedOffsetKey === undefined) {
      // A write without a committed offset must not erase one (the memory twin refuses it too).
      condition += ' AND attribute_not_exists(#committed)';
    } else {
      condition += ' AND (attribute_not_exists(#committed) OR #committed <= :committed)';
      values[':committed'] = { S: next.committedOffsetKey };
    }
    try {
      await this.client.send(
        new PutItemCommand({
          TableName: this.tableName,
          Item: item,
          ConditionExpression: condition,
          ExpressionAttributeNames: names,
          ...(Object.keys(values).length > 0 ? { ExpressionAttributeValues: values } : {}),
        }),
      );
      return true;
    } catch (error) {
      if (isConditionalCheckFailed(error)) return false;
      throw error;
    }
  }

  public async readAll(): Promise<Map<string, LedgerEntry>> {
    const out = new Map<string, LedgerEntry>();
    const pages = paginateQuery(
      { client: this.client },
      {
        TableName: this.tableName,
        ConsistentRead: true,
        KeyConditionExpression: '#pk = :pk',
        ExpressionAttributeNames: { '#pk': Attr.pk },
        ExpressionAttributeValues: { ':pk': { S: this.partitionKey() } },
      },
    );
    for await (const page of pages) {
      for (const item of page.Items ?? []) {
        const entry = toEntry(item);
        if (entry.movedTo === undefined)
          out.set((readString(item, Attr.sk) ?? '').slice(SORT_PREFIX.length), entry);
      }
    }
    return out;
  }

  /** All ledgers of a namespace share one partition key, so a firer reads them with one query. */
  private key(partition: string): Item {
    return { [Attr.pk]: { S: this.partitionKey() }, [Attr.sk]: { S: `${SORT_PREFIX}${partition}` } };
  }

  private partitionKey(): string {
    return `${this.namespace}#ledger`;
  }
}

function openToAttribute(open: OpenBatch): AttributeValue {
  return {
    M: {
      n: { N: String(open.batchNumber) },
      first: { S: open.firstOffsetKey },
      last: { S: open.lastOffsetKey },
      wal: { S: open.walKey },
      time: { N: String(open.batchTime) },
    },
  };
}

function toEntry(item: Item): LedgerEntry {
  const open = item.open?.M;
  return {
    version: readNumber(item, Attr.version) ?? 0,
    committedOffsetKey: readString(item, 'committed'),
    nextBatchNumber: readNumber(item, 'next') ?? 0,
    maxEventTime: readNumber(item, 'maxEventTime'),
    eventTimeFloor: readNumber(item, 'eventTimeFloor'),
    lastActiveAt: readNumber(item, 'lastActiveAt'),
    ...optionalString(item, 'origin', 'originOffsetKey'),
    ...(readNumber(item, 'maxArrivalTime') === undefined
      ? {}
      : { maxArrivalTime: readNumber(item, 'maxArrivalTime') }),
    ...optionalString(item, 'movedTo', 'movedTo'),
    ...optionalString(item, 'migratedFrom', 'migratedFrom'),
    open:
      open === undefined
        ? undefined
        : {
            batchNumber: readNumber(open, 'n') ?? 0,
            firstOffsetKey: readString(open, 'first') ?? '',
            lastOffsetKey: readString(open, 'last') ?? '',
            walKey: readString(open, 'wal') ?? '',
            batchTime: readNumber(open, 'time') ?? 0,
          },
  };
}

function optionalString<K extends string>(
  item: Item,
  attribute: string,
  field: K,
): Partial<Record<K, string>> {
  const value = readString(item, attribute);
  return value === undefined ? {} : ({ [field]: value } as Partial<Record<K, string>>);
}
