import { type DynamoDBClient, ScanCommand } from '@aws-sdk/client-dynamodb';
import { RESULT_TABLE_ENV } from '../../functions/pipelines/result-table';
import { unmarshallItem } from '../../lib/reference';
import type { ProgramContext } from './program';
import { useLocalStackForDefaultClients } from './program';
import { ensureTable } from '../setup/state-table';

/** Creates a result table on the local stack and points the pipelines' result-table sink at it. */
export async function prepareResultTable(
  context: ProgramContext,
  client: DynamoDBClient,
  tableName: string,
  keys: readonly [string] | readonly [string, string],
): Promise<void> {
  useLocalStackForDefaultClients(context);
  process.env[RESULT_TABLE_ENV] = tableName;
  await ensureTable(client, tableName, keys);
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
