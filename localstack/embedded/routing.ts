import type { IncomingHttpHeaders } from 'node:http';
import { EmulatedService, TARGET_PREFIXES } from './constants.js';

/** Where the endpoint sends a request. */
export type Route =
  | { readonly kind: 'service'; readonly service: EmulatedService }
  | { readonly kind: 'unsupported'; readonly target: string };

/**
 * Routes a request the way LocalStack's edge does for these three services: by its `X-Amz-Target`
 * header for the JSON protocols (Kinesis, DynamoDB), and to S3 (REST/XML, no target) otherwise.
 * A target of any other service (SQS, DynamoDB Streams, ...) is unsupported rather than sent to S3.
 */
export function routeRequest(headers: IncomingHttpHeaders): Route {
  const header = headers['x-amz-target'];
  const target = Array.isArray(header) ? header[0] : header;
  if (!target) return { kind: 'service', service: EmulatedService.s3 };
  if (target.startsWith(TARGET_PREFIXES.kinesis))
    return { kind: 'service', service: EmulatedService.kinesis };
  if (target.startsWith(TARGET_PREFIXES.dynamodb))
    return { kind: 'service', service: EmulatedService.dynamodb };
  return { kind: 'unsupported', target };
}
