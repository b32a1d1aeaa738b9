export { decodeJson, decodeUtf8 } from './decode';
export type { InputRecord, SourceRecord } from './types';
