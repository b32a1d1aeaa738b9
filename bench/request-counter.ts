import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';

/**
 * Counts the client's DynamoDB requests by operation through SDK middleware named `name`, until
 * `client.middlewareStack.remove(name)`.
 */
export function countRequests(client: DynamoDBClient, name: string): Map<string, number> {
  const counts = new Map<string, number>();
  client.middlewareStack.add(
    (next, context) => async (args) => {
      const command = context.commandName ?? 'unknown';
      counts.set(command, (counts.get(command) ?? 0) + 1);
      return next(args);
    },
    { step: 'initialize', name },
  );
  return counts;
}
