import type { AttributeValue } from '@aws-sdk/client-dynamodb';
import { utf8Length } from '../core';
import type { Item } from './dynamodb-items';

/**
 * DynamoDB's size limits, in bytes of UTF-8 (see "Service, account, and table quotas in Amazon
 * DynamoDB"): a partition key value, a sort key value, and a whole item (attribute names included).
 */
export const DynamoDbLimits = {
  PARTITION_KEY_BYTES: 2048,
  SORT_KEY_BYTES: 1024,
  ITEM_BYTES: 400 * 1024,
} as const;

/**
 * The size DynamoDB counts for an item ("DynamoDB item sizes and formats"): the UTF-8 bytes of each
 * attribute name and string, raw bytes of binaries, 1 byte per two significant digits plus 1 for
 * numbers (counted here from the digits as written, never less than DynamoDB counts), 1 byte for
 * booleans and nulls, 3 bytes plus 1 per element for maps and lists.
 */
export function itemSizeBytes(item: Item): number {
  let size = 0;
  for (const [name, value] of Object.entries(item)) size += utf8Length(name) + valueSize(value);
  return size;
}

/**
 * Whether `item` takes at most `limitBytes` as DynamoDB counts it ({@link itemSizeBytes}); counts
 * UTF-8 bytes only when three bytes per character could pass the limit.
 */
export function itemFits(item: Item, limitBytes: number): boolean {
  return maxItemSizeBytes(item) <= limitBytes || itemSizeBytes(item) <= limitBytes;
}

/** An upper bound of {@link itemSizeBytes} from string lengths (at most 3 UTF-8 bytes per UTF-16 unit). */
function maxItemSizeBytes(item: Item): number {
  let size = 0;
  for (const [name, value] of Object.entries(item)) size += 3 * name.length + maxValueSize(value);
  return size;
}

function maxValueSize(value: AttributeValue): number {
  if (value.S !== undefined) return 3 * value.S.length;
  if (value.N !== undefined) return 2 + value.N.length;
  if (value.M !== undefined) return 3 + Object.keys(value.M).length + maxItemSizeBytes(value.M);
  return valueSize(value);
}

function valueSize(value: AttributeValue): number {
  if (value.S !== undefined) return utf8Length(value.S);
  if (value.N !== undefined) return numberSize(value.N);
  if (value.B !== undefined) return value.B.byteLength;
  if (value.BOOL !== undefined || value.NULL !== undefined) return 1;
  if (value.SS !== undefined) return value.SS.reduce((sum, text) => sum + utf8Length(text), 0);
  if (value.NS !== undefined) return value.NS.reduce((sum, text) => sum + numberSize(text), 0);
  if (value.BS !== undefined) return value.BS.reduce((sum, bytes) => sum + bytes.byteLength, 0);
  if (value.L !== undefined) return 3 + value.L.reduce((sum, element) => sum + 1 + valueSize(element), 0);
  if (value.M !== undefined) return 3 + Object.keys(value.M).length + itemSizeBytes(value.M);
  return 0;
}

function numberSize(text: string): number {
  const digits = text.replace(/^[-+]?0*|[eE].*$|\./g, '').length;
  return 1 + Math.ceil(digits / 2) + (text.startsWith('-') ? 1 : 0);
}

/**
 * What DynamoDB would refuse about writing `item` with partition key `pk` and sort key `sk`, in its
 * own words, or `undefined` when the item fits. The in-memory twins call it on every write, so unit
 * tests fail where DynamoDB would.
 */
export function dynamoDbLimitViolation(item: Item, keyNames = { pk: 'pk', sk: 'sk' }): string | undefined {
  const pk = item[keyNames.pk]?.S;
  const sk = item[keyNames.sk]?.S;
  if (pk !== undefined && utf8Length(pk) > DynamoDbLimits.PARTITION_KEY_BYTES)
    return `One or more parameter values were invalid: Size of hashkey has exceeded the maximum size limit of ${DynamoDbLimits.PARTITION_KEY_BYTES} bytes`;
  if (sk !== undefined && utf8Length(sk) > DynamoDbLimits.SORT_KEY_BYTES)
    return `One or more parameter values were invalid: Aggregated size of all range keys has exceeded the size limit of ${DynamoDbLimits.SORT_KEY_BYTES} bytes`;
  if (!itemFits(item, DynamoDbLimits.ITEM_BYTES)) return 'Item size has exceeded the maximum allowed size';
  return undefined;
}

/** DynamoDB's words when it refuses a key or an item for its size ("Size of hashkey has exceeded ...", "Item size has exceeded ..."). */
const SIZE_LIMIT_MESSAGE = /size .*exceeded/i;

/**
 * Whether `error` is DynamoDB refusing a write for a key or item size (a `ValidationException` about a
 * size limit): the item can never be written as it is, unlike throttling, timeouts or a key that does
 * not match the table's schema.
 */
export function isSizeLimitViolation(error: unknown): boolean {
  if (!(error instanceof Error) || error.name !== 'ValidationException') return false;
  return SIZE_LIMIT_MESSAGE.test(error.message);
}

/** The error DynamoDB (and the AWS SDK) raises for a request it refuses to run: `ValidationException`. */
export class DynamoDbValidationException extends Error {
  public constructor(message: string) {
    super(message);
    this.name = 'ValidationException';
  }
}
