import type { DynamoDBClient, PutItemCommand } from '@aws-sdk/client-dynamodb';
import { describe, expect, it } from 'vitest';
import { ErrorCode } from '../../core';
import { DynamoDbTableSink } from './dynamodb-table-sink';
import { TableSinkErrorCode, TableWriteError } from './errors';
import type { TableRow } from './table-sink';

/** A client whose PutItem answers depend on the row's `pk`: `stale-*` fails its condition, `boom-*` fails. */
class ScriptedClient {
  public readonly puts: PutItemCommand['input'][] = [];
  public inFlight = 0;
  public maxInFlight = 0;

  public async send(command: PutItemCommand): Promise<object> {
    this.puts.push(command.input);
    this.inFlight++;
    this.maxInFlight = Math.max(this.maxInFlight, this.inFlight);
    try {
      await new Promise((resolve) => setTimeout(resolve, 1));
      const pk = command.input.Item?.pk?.S ?? '';
      if (pk.startsWith('stale-')) {
        throw Object.assign(new Error('The conditional request failed'), {
          name: 'ConditionalCheckFailedException',
        });
      }
      if (pk.startsWith('boom-'))
        throw Object.assign(new Error('Rate exceeded'), { name: 'ThrottlingException' });
      return {};
    } finally {
      this.inFlight--;
    }
  }

  public asClient(): DynamoDBClient {
    return this as unknown as DynamoDBClient;
  }
}

const row = (pk: string, sequence: string | number = 1): TableRow => ({
  key: { pk },
  attributes: { n: 1 },
  sequence,
});

describe('Class: DynamoDbTableSink', () => {
  describe('Method: upsert', () => {
    it('puts each row with the "absent or lower sequence" condition', async () => {
      // Prepare
      const client = new ScriptedClient();
      const sink = new DynamoDbTableSink({
        client: client.asClient(),
        tableName: 'results',
        sequenceAttribute: 'v',
      });

      // Act
      await sink.upsert([
        { key: { pk: 'a', rank: 2 }, attributes: { word: 'x', missing: undefined }, sequence: '007' },
      ]);

      // Assess
      expect(client.puts).toEqual([
        {
          TableName: 'results',
          Item: { word: { S: 'x' }, pk: { S: 'a' }, rank: { N: '2' }, v: { S: '007' } },
          ConditionExpression: 'attribute_not_exists(#seq) OR #seq < :seq',
          ExpressionAttributeNames: { '#seq': 'v' },
          ExpressionAttributeValues: { ':seq': { S: '007' } },
        },
      ]);
    });

    it('counts failed conditions as skipped', async () => {
      const client = new ScriptedClient();
      const sink = new DynamoDbTableSink({ client: client.asClient(), tableName: 'results' });

      const result = await sink.upsert([row('fresh-1'), row('stale-1'), row('fresh-2'), row('stale-2')]);

      expect(result).toEqual({ written: 2, skipped: 2 });
    });

    it('keeps at most `concurrency` puts in flight', async () => {
      const client = new ScriptedClient();
      const sink = new DynamoDbTableSink({ client: client.asClient(), tableName: 'results', concurrency: 3 });

      await sink.upsert(Array.from({ length: 20 }, (_, i) => row(`fresh-${i}`)));

      expect(client.puts).toHaveLength(20);
      expect(client.maxInFlight).toBe(3);
    });

    it('stops at a failed put, lets the puts in flight settle, and reports the counts and the cause', async () => {
      // Prepare
      const client = new ScriptedClient();
      const sink = new DynamoDbTableSink({ client: client.asClient(), tableName: 'results', concurrency: 2 });
      const rows = [
        row('fresh-1'),
        row('boom-1'),
        row('stale-1'),
        ...Array.from({ length: 10 }, (_, i) => row(`late-${i}`)),
      ];

      // Act
      const attempt = sink.upsert(rows);

      // Assess
      await expect(attempt).rejects.toBeInstanceOf(TableWriteError);
      await expect(attempt).rejects.toMatchObject({
        code: TableSinkErrorCode.WriteFailed,
        tableName: 'results',
        key: { pk: 'boom-1' },
        cause: expect.objectContaining({ name: 'ThrottlingException' }),
      });
      const error = (await attempt.catch((caught: unknown) => caught)) as TableWriteError;
      expect(error.written + error.skipped).toBe(client.puts.length - 1);
      expect(client.puts.length).toBeLessThan(rows.length);
      expect(client.inFlight).toBe(0);
    });
  });

  describe('Method: constructor', () => {
    it.each([0, 1.5, -1])('refuses concurrency %s', (concurrency) => {
      expect(
        () => new DynamoDbTableSink({ client: new ScriptedClient().asClient(), tableName: 't', concurrency }),
      ).toThrow(
        expect.objectContaining({
          code: ErrorCode.InvalidConfiguration,
          message: `concurrency must be a positive integer (given ${concurrency})`,
        }),
      );
    });
  });
});
