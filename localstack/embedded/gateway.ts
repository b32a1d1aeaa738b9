import {
  Agent,
  createServer,
  request as httpRequest,
  type IncomingHttpHeaders,
  type IncomingMessage,
  type OutgoingHttpHeaders,
  type ServerResponse,
} from 'node:http';
import { pipeline } from 'node:stream';
import { AwsChunkedDecoder, isAwsChunked, plainRequestHeaders } from './aws-chunked.js';
import { type EmulatedService, HEALTH_PATH, LOOPBACK_HOST } from './constants.js';
import { LocalStackError, LocalStackErrorCode, PortInUseError } from './errors.js';
import { sendJson, sendServiceError } from './gateway-responses.js';
import { routeRequest } from './routing.js';
import type { HealthReport } from './types.js';

/** Port of each emulator, on 127.0.0.1. */
export type UpstreamPorts = Readonly<Record<EmulatedService, number>>;

/** Options of {@link startGateway}. */
export interface GatewayOptions {
  /** Port to listen on (0: any free port). */
  readonly port: number;
  /** The emulators' ports, or `undefined` while they are starting (requests then get 503). */
  readonly upstreams: () => UpstreamPorts | undefined;
  /** Current health, served at LocalStack's health route. */
  readonly health: () => HealthReport;
}

/** The running endpoint. */
export interface Gateway {
  /** The port it listens on. */
  readonly port: number;
  /** Stops accepting requests, drops open connections (including idle keep-alive ones) and resolves once closed. */
  close(): Promise<void>;
}

/** Connection-scoped headers that must not be forwarded (RFC 9110 §7.6.1), plus `expect`, which the endpoint answers itself. */
const HOP_BY_HOP = new Set([
  'connection',
  'keep-alive',
  'proxy-connection',
  'te',
  'trailer',
  'upgrade',
  'expect',
]);

function withoutHopByHop(headers: IncomingHttpHeaders | OutgoingHttpHeaders): OutgoingHttpHeaders {
  return Object.fromEntries(Object.entries(headers).filter(([name]) => !HOP_BY_HOP.has(name)));
}

function isHealthRequest(request: IncomingMessage): boolean {
  const path = (request.url ?? '').split('?', 1)[0];
  return (
    (request.method === 'GET' || request.method === 'HEAD') &&
    (path === HEALTH_PATH || path === `${HEALTH_PATH}/`)
  );
}

function forward(
  request: IncomingMessage,
  response: ServerResponse,
  service: EmulatedService,
  port: number,
  agent: Agent,
): void {
  const chunked = service === 's3' && isAwsChunked(request.headers);
  const upstream = httpRequest({
    host: LOOPBACK_HOST,
    port,
    method: request.method,
    path: request.url,
    headers: withoutHopByHop(chunked ? plainRequestHeaders(request.headers) : request.headers),
    agent,
  });
  upstream.on('response', (upstreamResponse) => {
    response.writeHead(
      upstreamResponse.statusCode ?? 502,
      upstreamResponse.statusMessage,
      withoutHopByHop(upstreamResponse.headers),
    );
    pipeline(upstreamResponse, response, () => undefined);
  });
  let failed = false;
  const fail = (status: number, code: string, message: string, error: Error): void => {
    if (failed) return;
    failed = true;
    upstream.destroy();
    if (!response.headersSent) sendServiceError(response, service, status, code, message);
    else response.destroy(error);
  };
  upstream.on('error', (error) =>
    fail(502, 'ServiceUnavailable', `${service} emulator: ${error.message}`, error),
  );
  response.on('close', () => {
    if (!response.writableFinished) upstream.destroy();
  });
  if (!chunked) {
    pipeline(request, upstream, () => undefined);
    return;
  }
  const decoder = new AwsChunkedDecoder();
  decoder.on('error', (error) =>
    fail(400, 'InvalidRequest', `malformed aws-chunked body: ${error.message}`, error),
  );
  pipeline(request, decoder, upstream, () => undefined);
}

/**
 * Starts the single LocalStack-style endpoint on 127.0.0.1: serves the health route and forwards
 * every other request over HTTP/1.1 keep-alive to the emulator {@link routeRequest} picks.
 * S3 bodies in `aws-chunked` framing are decoded on the way, since s3rver would store the framing.
 *
 * @throws {@link PortInUseError} when the port is taken.
 */
export function startGateway(options: GatewayOptions): Promise<Gateway> {
  const agent = new Agent({ keepAlive: true, maxSockets: 128 });
  const server = createServer((request, response) => {
    if (isHealthRequest(request)) {
      sendJson(response, 200, options.health(), request.method);
      return;
    }
    const route = routeRequest(request.headers);
    if (route.kind === 'unsupported') {
      request.resume();
      sendServiceError(
        response,
        undefined,
        501,
        'InternalFailure',
        `The API for target '${route.target}' is not served by the embedded stack (kinesis, dynamodb and s3 only)`,
      );
      return;
    }
    const upstreams = options.upstreams();
    if (!upstreams) {
      request.resume();
      sendServiceError(
        response,
        route.service,
        503,
        'ServiceUnavailable',
        'the embedded stack is still starting',
      );
      return;
    }
    forward(request, response, route.service, upstreams[route.service], agent);
  });
  return new Promise((resolve, reject) => {
    server.once('error', (error: NodeJS.ErrnoException) => {
      agent.destroy();
      if (error.code === 'EADDRINUSE') reject(new PortInUseError(options.port, { cause: error }));
      else {
        reject(
          new LocalStackError(
            LocalStackErrorCode.invalidOptions,
            `cannot listen on ${LOOPBACK_HOST}:${options.port}: ${error.message}`,
            { cause: error },
          ),
        );
      }
    });
    server.listen({ port: options.port, host: LOOPBACK_HOST }, () => {
      const address = server.address();
      const port = typeof address === 'object' && address !== null ? address.port : options.port;
      let closing: Promise<void> | undefined;
      resolve({
        port,
        close: () => {
          closing ??= new Promise<void>((done) => {
            server.close(() => done());
            server.closeAllConnections();
            agent.destroy();
          });
          return closing;
        },
      });
    });
  });
}
