import type { ReferenceSource } from '../core';

/**
 * A short human-readable description of a reference source, for messages and log lines.
 *
 * @example
 * describeReferenceSource(s3Json('ref', 'blacklist.json')); // 's3://ref/blacklist.json'
 * describeReferenceSource(dynamoDbTable('prices', 'sku')); // 'dynamodb://prices (key attribute "sku")'
 */
export function describeReferenceSource(source: ReferenceSource): string {
  switch (source.kind) {
    case 's3-json':
      return `s3://${source.bucket}/${source.key}`;
    case 'dynamodb-table':
      return `dynamodb://${source.tableName} (key attribute ${JSON.stringify(source.keyAttribute)})`;
    case 'static':
      return 'static value';
  }
}
