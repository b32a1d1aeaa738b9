export { MemoryObjectStore } from './memory-object-store';
export type { ObjectStore } from './object-store';
export { getJson, putJson } from './object-store';
export type { S3ObjectStoreOptions } from './s3-object-store';
export { S3ObjectStore } from './s3-object-store';
export { SPARKLESS_KEY_PREFIXES } from './key-prefixes';
