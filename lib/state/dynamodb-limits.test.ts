import { describe, expect, it } from 'vitest';
import { DynamoDbLimits, dynamoDbLimitViolation, itemSizeBytes } from './dynamodb-limits';

describe('Function: itemSizeBytes', () => {
  it('counts names and values as DynamoDB documents it', () => {
    // Prepare: "pk" + "ab" (4), "n" + 3 significant digits: 1 + 2 (4), "é" 2 bytes + "€" 3 bytes (5),
    // "m" + map overhead 3 + 1 per element + "x" + "y" (7), "l" + list overhead 3 + 1 per element + true (6)
    const item = {
      pk: { S: 'ab' },
      n: { N: '123' },
      é: { S: '€' },
      m: { M: { x: { S: 'y' } } },
      l: { L: [{ BOOL: true }] },
    };

    // Act / Assess
    expect(itemSizeBytes(item)).toBe(4 + 4 + 5 + 7 + 6);
  });
});

describe('Function: dynamoDbLimitViolation', () => {
  it('accepts keys and items at the limits and refuses one byte more, in DynamoDB’s words', () => {
    const pk = (bytes: number) => ({ pk: { S: 'p'.repeat(bytes) }, sk: { S: 's' } });
    const sk = (bytes: number) => ({ pk: { S: 'p' }, sk: { S: 's'.repeat(bytes) } });
    // 'pk' + 'p' + 'sk' + 's' + 'v' = 7 bytes besides the value
    const item = (bytes: number) => ({ pk: { S: 'p' }, sk: { S: 's' }, v: { S: 'v'.repeat(bytes - 7) } });

    expect(dynamoDbLimitViolation(pk(DynamoDbLimits.PARTITION_KEY_BYTES))).toBeUndefined();
    expect(dynamoDbLimitViolation(pk(DynamoDbLimits.PARTITION_KEY_BYTES + 1))).toMatch(/Size of hashkey/);
    expect(dynamoDbLimitViolation(sk(DynamoDbLimits.SORT_KEY_BYTES))).toBeUndefined();
    expect(dynamoDbLimitViolation(sk(DynamoDbLimits.SORT_KEY_BYTES + 1))).toMatch(/range keys/);
    expect(dynamoDbLimitViolation(item(DynamoDbLimits.ITEM_BYTES))).toBeUndefined();
    expect(dynamoDbLimitViolation(item(DynamoDbLimits.ITEM_BYTES + 1))).toBe(
      'Item size has exceeded the maximum allowed size',
    );
  });

  it('counts key sizes in UTF-8 bytes, not characters', () => {
    // 700 × "€" is 700 characters but 2,100 bytes
    expect(dynamoDbLimitViolation({ pk: { S: '€'.repeat(700) } })).toMatch(/Size of hashkey/);
  });
});
