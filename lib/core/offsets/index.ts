export { compareOffsetKeys, decodeOffsetKey, encodeOffsetKey, isAfter } from './offset-key';
