import type { ServerResponse } from 'node:http';
import type { EmulatedService } from './constants.js';

/** Writes a JSON response (`Content-Length` set, so keep-alive clients can reuse the connection). */
export function sendJson(response: ServerResponse, status: number, body: unknown, method?: string): void {
  const text = JSON.stringify(body);
  response.writeHead(status, {
    'content-type': 'application/json',
    'content-length': Buffer.byteLength(text),
  });
  response.end(method === 'HEAD' ? undefined : text);
}

function escapeXml(text: string): string {
  return text.replace(/[<>&'"]/g, (char) => `&#${char.charCodeAt(0)};`);
}

/**
 * Writes an error in the protocol the calling SDK parses: XML for S3, the JSON `__type` shape for
 * the JSON services (and for requests that match no service).
 */
export function sendServiceError(
  response: ServerResponse,
  service: EmulatedService | undefined,
  status: number,
  code: string,
  message: string,
): void {
  if (service !== 's3') {
    sendJson(response, status, { __type: code, message });
    return;
  }
  const body = `<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>${escapeXml(code)}</Code><Message>${escapeXml(message)}</Message></Error>`;
  response.writeHead(status, {
    'content-type': 'application/xml',
    'content-length': Buffer.byteLength(body),
  });
  response.end(body);
}
