import {
  CreateTableCommand,
  type DynamoDBClient,
  ResourceInUseException,
  ScanCommand,
} from '@aws-sdk/client-dynamodb';
import { RESULT_TABLE_ENV } from '../../functions/pipelines/result-table';
import { unmarshallItem } from '../../lib/reference';
import type { ProgramContext } from './program';
import { useLocalStackForDefaultClients } from './program';

/** Creates a result table on the local stack and points the pipelines' result-table sink at it. */
export async function prepareResultTable(
  context: ProgramContext,
  client: DynamoDBClient,
  tableName: string,
  keys: readonly string[],
): Promise<void> {
  useLocalStackForDefaultClients(context);
  process.env[RESULT_TABLE_ENV] = tableName;
  try {
    await client.send(
      new CreateTableCommand({
        TableName: tableName,
        BillingMode: 'PAY_PER_REQUEST',
        AttributeDefinitions: keys.map((name) => ({ AttributeName: name, AttributeType: 'S' })),
        KeySchema: keys.map((name, i) => ({ AttributeName: name, KeyType: i === 0 ? 'HASH' : 'RANGE' })),
      }),
    );
  } catch (error) {
    if (!(error instanceof ResourceInUseException)) throw error;
  }
}

/** Every row of a result table as plain JSON. */
export async function scanRows(
  client: DynamoDBClient,
  tableName: string,
): Promise<Record<string, unknown>[]> {
  const rows: Record<string, unknown>[] = [];
  let start: Record<string, never> | undefined;
  do {
    const page = await client.send(
      new ScanCommand({ TableName: tableName, ConsistentRead: true, ExclusiveStartKey: start }),
    );
    for (const item of page.Items ?? []) rows.push(unmarshallItem(item) as Record<string, unknown>);
    start = page.LastEvaluatedKey as Record<string, never> | undefined;
  } while (start !== undefined);
  return rows;
}
