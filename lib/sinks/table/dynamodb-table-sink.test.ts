import type { DynamoDBClient, PutItemCommand } from '@aws-sdk/client-dynamodb';
import { describe, expect, it } from 'vitest';
import { ErrorCode } from '../../core';
import { DynamoDbTableSink } from './dynamodb-table-sink';
import { TableSinkErrorCode, TableWriteError } from './errors';
import type { OutputDeadLetter } from '../../core';
import type { TableRow } from './table-sink';

/**
 * A client whose PutItem answers depend on the row's `pk`: `stale-*` fails its condition, `boom-*` is
 * throttled, `range-*` is refused for its sort key's size, `schema-*` for a key that does not match the schema.
 */
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
      if (pk.startsWith('range-')) {
        throw Object.assign(
          new Error(
            'One or more parameter values were invalid: Aggregated size of all range keys has exceeded the size limit of 1024 bytes',
          ),
          { name: 'ValidationException' },
        );
      }
      if (pk.startsWith('schema-')) {
        throw Object.assign(new Error('The provided key element does not match the schema'), {
          name: 'ValidationException',
        });
      }
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

      expect(result).toEqual({ written: 2, skipped: 2, deadLettered: 0 });
    });

    it('dead-letters a row DynamoDB refuses for its size (a sort key above 1,024 bytes) and writes the others', async () => {
      // Prepare: which key attribute is the sort key only the table knows, so the write decides
      const client = new ScriptedClient();
      const sink = new DynamoDbTableSink({ client: client.asClient(), tableName: 'results' });
      const deadLetters: OutputDeadLetter[] = [];
      const rows = [
        row('fresh-1'),
        { key: { pk: 'range-1', sk: 's'.repeat(1_500) }, attributes: {}, sequence: 1 },
      ];

      // Act
      const result = await sink.upsert(rows, {
        deadLetters: { deadLetter: (entry) => void deadLetters.push(entry) },
      });

      // Assess
      expect(result).toEqual({ written: 1, skipped: 0, deadLettered: 1 });
      expect(deadLetters).toHaveLength(1);
      expect(deadLetters[0]?.value).toMatchObject({ table: 'results', key: { pk: 'range-1' } });
      expect(deadLetters[0]?.error).toMatchObject({
        code: TableSinkErrorCode.RowTooLarge,
        tableName: 'results',
        cause: expect.objectContaining({ name: 'ValidationException' }),
      });
      expect((deadLetters[0]?.error as Error).message).toMatch(/Aggregated size of all range keys/);
    });

    it.each([
      ['a ValidationException that is not about size', 'schema-1'],
      ['throttling', 'boom-1'],
    ])('fails the call on %s, even with a dead-letter target', async (_case, pk) => {
      const client = new ScriptedClient();
      const sink = new DynamoDbTableSink({ client: client.asClient(), tableName: 'results' });
      const deadLetters: OutputDeadLetter[] = [];

      const attempt = sink.upsert([row(pk)], {
        deadLetters: { deadLetter: (entry) => void deadLetters.push(entry) },
      });

      await expect(attempt).rejects.toMatchObject({ code: TableSinkErrorCode.WriteFailed });
      expect(deadLetters).toEqual([]);
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
