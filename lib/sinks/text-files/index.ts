export { MAX_KEY_BYTES, S3_SCHEMES, TextFileSinkDefaults } from './constants';
export {
  InvalidTextFilePathError,
  TextFileSinkError,
  TextFileSinkErrorCode,
  TextFileWriteError,
} from './errors';
export type {
  ObjectStoreTextFileSinkBaseOptions,
  ObjectStoreTextFileSinkOptions,
} from './object-store-text-file-sink';
export { ObjectStoreTextFileSink } from './object-store-text-file-sink';
export type { ParseTextFilePathOptions, TextFileLocation } from './text-file-path';
export { parseTextFilePath, validateTextFilePrefix } from './text-file-path';
