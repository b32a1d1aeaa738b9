import { describe, expect, it } from 'vitest';
import { routeRequest } from './routing.js';

describe('Function: routeRequest', () => {
  it.each([
    ['Kinesis_20131202.PutRecords', { kind: 'service', service: 'kinesis' }],
    ['Kinesis_20131202.SubscribeToShard', { kind: 'service', service: 'kinesis' }],
    ['DynamoDB_20120810.UpdateItem', { kind: 'service', service: 'dynamodb' }],
    [
      'DynamoDBStreams_20120810.GetRecords',
      { kind: 'unsupported', target: 'DynamoDBStreams_20120810.GetRecords' },
    ],
    ['AmazonSQS.SendMessage', { kind: 'unsupported', target: 'AmazonSQS.SendMessage' }],
  ])('routes X-Amz-Target %s to %o', (target, route) => {
    expect(routeRequest({ 'x-amz-target': target })).toEqual(route);
  });

  it('routes a request without X-Amz-Target to S3', () => {
    expect(routeRequest({ host: '127.0.0.1:4566' })).toEqual({ kind: 'service', service: 's3' });
  });
});
