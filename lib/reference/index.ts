export { ReferenceDataDefaults } from './constants';
export { describeReferenceSource } from './describe-source';
export type { JsonValue } from './dynamodb-json';
export { unmarshallAttributeValue, unmarshallItem } from './dynamodb-json';
export type { DynamoDbTableReferenceLoaderOptions } from './dynamodb-table-reference-loader';
export { DynamoDbTableReferenceLoader } from './dynamodb-table-reference-loader';
export {
  ReferenceDataError,
  ReferenceDataErrorCode,
  ReferenceDataUnavailableError,
  ReferenceParseError,
  ReferenceSourceError,
} from './errors';
export type { ReferenceDataCacheOptions, ReferenceRefreshFailure } from './reference-data-cache';
export { ReferenceDataCache } from './reference-data-cache';
export type {
  DynamoDbTableReferenceSource,
  ReferenceLoader,
  ReferenceLoaders,
  ReferenceSourceKind,
  ReferenceSourceOf,
  S3JsonReferenceSource,
} from './reference-loader';
export type { S3JsonReferenceLoaderOptions } from './s3-json-reference-loader';
export { S3JsonReferenceLoader } from './s3-json-reference-loader';
export { SnapshotReferenceResolver } from './snapshot-reference-resolver';
