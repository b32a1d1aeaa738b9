import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { describe, expect, it } from 'vitest';
import { DynamoDbProgressStore } from './dynamodb-progress-store';

describe('Class: DynamoDbProgressStore', () => {
  it.each([0, -1, 1.5])('refuses the retention %s, naming the range and the default', (retentionSeconds) => {
    // Prepare
    const client = new DynamoDBClient({ region: 'us-east-1' });

    // Act
    const create = () =>
      new DynamoDbProgressStore({ client, tableName: 't', namespace: 'n', retentionSeconds });

    // Assess
    expect(create).toThrow(/positive whole number of seconds .*604800/);
  });
});
