import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { S3Client } from '@aws-sdk/client-s3';

/**
 * Counts the client's requests (DynamoDB or S3) by operation through SDK middleware named `name`,
 * until `client.middlewareStack.remove(name)`.
 */
export function countRequests(client: DynamoDBClient | S3Client, name: string): Map<string, number> {
  const counts = new Map<string, number>();
  const counter =
    <A, R>(next: (args: A) => Promise<R>, context: { commandName?: string }) =>
    async (args: A): Promise<R> => {
      const command = context.commandName ?? 'unknown';
      counts.set(command, (counts.get(command) ?? 0) + 1);
      return next(args);
    };
  const options = { step: 'initialize', name } as const;
  if (client instanceof S3Client) client.middlewareStack.add(counter, options);
  else client.middlewareStack.add(counter, options);
  return counts;
}
