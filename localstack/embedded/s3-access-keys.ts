import type { IncomingHttpHeaders } from 'node:http';

const SIGV4_CREDENTIAL = /Credential=([^/,\s]+)\//;
const SIGV2_HEADER = /^AWS ([^:\s]+):/;

/**
 * The access key id a request was signed with (SigV4 or SigV2, header or presigned query),
 * or `undefined` for an anonymous request.
 */
export function accessKeyIdOf(headers: IncomingHttpHeaders, url: string | undefined): string | undefined {
  const authorization = headers.authorization;
  if (authorization) {
    return SIGV4_CREDENTIAL.exec(authorization)?.[1] ?? SIGV2_HEADER.exec(authorization)?.[1];
  }
  const query = new URL(url ?? '/', 'http://localhost').searchParams;
  const credential = query.get('X-Amz-Credential');
  if (credential) return credential.split('/')[0];
  return query.get('AWSAccessKeyId') ?? undefined;
}
