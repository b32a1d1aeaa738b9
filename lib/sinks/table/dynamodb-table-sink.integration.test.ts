import {
  CreateTableCommand,
  DescribeTableCommand,
  type DynamoDBClient,
  paginateScan,
  PutItemCommand,
} from '@aws-sdk/client-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAwsClients } from '../../../localstack/clients';
import { type EmbeddedStack, startEmbeddedStack } from '../../../localstack/embedded';
import { unmarshallItem } from '../../reference';
import type { OutputDeadLetter } from '../../core';
import { DynamoDbTableSink } from './dynamodb-table-sink';
import { TableSinkErrorCode } from './errors';
import { tableSinkContract } from './table-sink.contract';

/** Waits until a new table is ACTIVE (dynalite reports CREATING until its next tick). */
async function waitUntilActive(client: DynamoDBClient, tableName: string): Promise<void> {
  for (let attempt = 0; attempt < 100; attempt++) {
    const { Table } = await client.send(new DescribeTableCommand({ TableName: tableName }));
    if (Table?.TableStatus === 'ACTIVE') return;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  throw new Error(`table ${tableName} did not become ACTIVE`);
}

describe('Integration: DynamoDbTableSink on the embedded stack', () => {
  let stack: EmbeddedStack;
  let dynamodb: DynamoDBClient;
  let tables = 0;

  beforeAll(async () => {
    stack = await startEmbeddedStack({ port: 0, persist: false });
    ({ dynamodb } = createAwsClients({ endpoint: stack.endpoint, region: stack.region }));
  });

  afterAll(async () => {
    dynamodb?.destroy();
    await stack?.stop();
  });

  /** Creates a fresh table with a string partition key `pk` (and with `sortKey`, a string sort key `sk`). */
  async function createTable(sortKey = false): Promise<string> {
    const tableName = `results-${++tables}`;
    await dynamodb.send(
      new CreateTableCommand({
        TableName: tableName,
        BillingMode: 'PAY_PER_REQUEST',
        AttributeDefinitions: [
          { AttributeName: 'pk', AttributeType: 'S' },
          ...(sortKey ? [{ AttributeName: 'sk', AttributeType: 'S' as const }] : []),
        ],
        KeySchema: [
          { AttributeName: 'pk', KeyType: 'HASH' },
          ...(sortKey ? [{ AttributeName: 'sk', KeyType: 'RANGE' as const }] : []),
        ],
      }),
    );
    await waitUntilActive(dynamodb, tableName);
    return tableName;
  }

  async function readTable(tableName: string): Promise<Record<string, Record<string, unknown>>> {
    const rows: Record<string, Record<string, unknown>> = {};
    for await (const page of paginateScan(
      { client: dynamodb },
      { TableName: tableName, ConsistentRead: true },
    )) {
      for (const item of page.Items ?? []) {
        const row = unmarshallItem(item);
        rows[String(row.pk)] = row;
      }
    }
    return rows;
  }

  describe('Contract: TableSink', () => {
    tableSinkContract(async () => {
      const tableName = await createTable();
      return {
        sink: new DynamoDbTableSink({ client: dynamodb, tableName }),
        read: () => readTable(tableName),
      };
    });
  });

  it('round-trips nested attribute types and overwrites a row written without a sequence', async () => {
    // Prepare
    const tableName = await createTable();
    await dynamodb.send(
      new PutItemCommand({ TableName: tableName, Item: { pk: { S: 'legacy' }, old: { S: 'x' } } }),
    );
    const sink = new DynamoDbTableSink({ client: dynamodb, tableName, concurrency: 4 });

    // Act
    const result = await sink.upsert([
      { key: { pk: 'legacy' }, attributes: { count: 1 }, sequence: '0001' },
      {
        key: { pk: 'window-10' },
        attributes: {
          top: [{ word: 'spark', count: 4 }],
          words: new Set(['spark', 'flink']),
          at: new Date(Date.UTC(2026, 0, 1)),
          flag: true,
          none: null,
          skipped: undefined,
        },
        sequence: '0001',
      },
    ]);

    // Assess
    expect(result).toEqual({ written: 2, skipped: 0, deadLettered: 0 });
    const rows = await readTable(tableName);
    expect(rows.legacy).toEqual({ pk: 'legacy', count: 1, _sequence: '0001' });
    expect(rows['window-10']).toMatchObject({
      top: [{ word: 'spark', count: 4 }],
      at: '2026-01-01T00:00:00.000Z',
      flag: true,
      none: null,
      _sequence: '0001',
    });
    expect((rows['window-10']?.words as string[]).sort()).toEqual(['flink', 'spark']);
    expect(rows['window-10']).not.toHaveProperty('skipped');
  });

  it('dead-letters a row whose sort key DynamoDB refuses (1,500 bytes, above 1,024) and writes the others', async () => {
    // Prepare: a key of 1,500 bytes fits a partition key; only the table knows it is the sort key
    const tableName = await createTable(true);
    const sink = new DynamoDbTableSink({ client: dynamodb, tableName });
    const deadLetters: OutputDeadLetter[] = [];

    // Act
    const result = await sink.upsert(
      [
        { key: { pk: 'a', sk: 's'.repeat(1_500) }, attributes: { count: 1 }, sequence: 1 },
        { key: { pk: 'a', sk: 'short' }, attributes: { count: 2 }, sequence: 1 },
      ],
      { deadLetters: { deadLetter: (entry) => void deadLetters.push(entry) } },
    );

    // Assess
    expect(result).toEqual({ written: 1, skipped: 0, deadLettered: 1 });
    expect(Object.values(await readTable(tableName))).toEqual([
      { pk: 'a', sk: 'short', count: 2, _sequence: 1 },
    ]);
    expect(deadLetters.map((entry) => entry.error)).toEqual([
      expect.objectContaining({
        code: TableSinkErrorCode.RowTooLarge,
        cause: expect.objectContaining({ name: 'ValidationException' }),
      }),
    ]);
  });
});
