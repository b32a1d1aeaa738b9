export { INTERNAL_KEY_PREFIXES, OBJECT_PARTITION_PREFIX, TextFileDefaults } from './constants';
export {
  InvalidObjectKeyError,
  ObjectReadError,
  ObjectVersionGoneError,
  ObjectVersionGoneReason,
  TextFileSourceError,
  TextFileSourceErrorCode,
} from './errors';
export { LineSplitter } from './line-splitter';
export { classifyObjectKey, decodeS3EventKey, encodeS3EventKey, ObjectKeyClass } from './object-key';
export {
  effectiveVersionId,
  MAX_PARTITION_ID_LENGTH,
  normalizeETag,
  objectPartition,
} from './object-partition';
export { toRecordBatches } from './record-batches';
export type { S3Delivery } from './s3-event';
export { isS3TestEvent, parseS3Event, s3EventToObjects } from './s3-event';
export { openTextObject } from './text-object-reader';
export type { S3ObjectRef, TextBatchOptions, TextObject, TextObjectIdentity } from './types';
