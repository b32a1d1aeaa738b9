import {
  CreateTableCommand,
  DescribeTableCommand,
  type DynamoDBClient,
  ResourceInUseException,
} from '@aws-sdk/client-dynamodb';
import { CreateBucketCommand, type S3Client } from '@aws-sdk/client-s3';
import { Attr } from '../../lib/state/dynamodb-items';

/**
 * Creates the state table the way the CDK construct does (on-demand, `pk`/`sk` strings),
 * if it does not exist yet, and waits until it is ACTIVE.
 */
export async function ensureStateTable(client: DynamoDBClient, tableName: string): Promise<void> {
  await ensureTable(client, tableName, [Attr.pk, Attr.sk]);
}

/**
 * Creates an on-demand table keyed by string attributes (`keys[0]` the partition key, `keys[1]` the
 * sort key, if any) if it does not exist yet, and waits until it is ACTIVE.
 */
export async function ensureTable(
  client: DynamoDBClient,
  tableName: string,
  keys: readonly [string] | readonly [string, string],
): Promise<void> {
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
  for (let i = 0; i < 100; i++) {
    const { Table } = await client.send(new DescribeTableCommand({ TableName: tableName }));
    if (Table?.TableStatus === 'ACTIVE') return;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`table ${tableName} did not become ACTIVE`);
}

/** Creates a bucket if it does not exist yet. */
export async function ensureBucket(client: S3Client, bucket: string): Promise<void> {
  try {
    await client.send(new CreateBucketCommand({ Bucket: bucket }));
  } catch (error) {
    const name = (error as { name?: string }).name;
    if (name !== 'BucketAlreadyOwnedByYou' && name !== 'BucketAlreadyExists') throw error;
  }
}
