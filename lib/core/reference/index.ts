export type {
  ReferenceData,
  ReferenceDataOptions,
  ReferenceResolver,
  ReferenceSource,
} from './reference-data';
export { dynamoDbTable, referenceData, s3Json, staticValue } from './reference-data';
export { StaticReferenceResolver } from './static-resolver';
