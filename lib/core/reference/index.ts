export type {
  ReferenceData,
  ReferenceDataOptions,
  ReferenceResolver,
  ReferenceSource,
} from './reference-data';
export {
  dynamoDbTable,
  PIPELINE_BUCKET,
  pipelineBucketJson,
  referenceData,
  s3Json,
  staticValue,
  withPipelineBucket,
} from './reference-data';
export { StaticReferenceResolver } from './static-resolver';
