import { createServer } from 'node:net';
import { LOOPBACK_HOST } from './constants.js';

/**
 * Asks the OS for a port that is free on `host` right now. Another process could take it
 * before the caller binds it, so callers that cannot bind port 0 themselves retry on `EADDRINUSE`.
 *
 * @example
 * ```ts
 * const port = await findFreePort();
 * ```
 */
export function findFreePort(host: string = LOOPBACK_HOST): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.once('error', reject);
    server.listen({ port: 0, host, exclusive: true }, () => {
      const address = server.address();
      const port = typeof address === 'object' && address !== null ? address.port : undefined;
      server.close((error) => {
        if (error) reject(error);
        else if (port === undefined) reject(new Error(`could not read the port bound on ${host}`));
        else resolve(port);
      });
    });
  });
}

/**
 * Finds `count` distinct free ports (holding each open until all are chosen, so they differ).
 */
export async function findFreePorts(count: number, host: string = LOOPBACK_HOST): Promise<number[]> {
  const servers = Array.from({ length: count }, () => createServer());
  try {
    const ports: number[] = [];
    for (const server of servers) {
      server.unref();
      ports.push(
        await new Promise<number>((resolve, reject) => {
          server.once('error', reject);
          server.listen({ port: 0, host, exclusive: true }, () => {
            const address = server.address();
            if (typeof address === 'object' && address !== null) resolve(address.port);
            else reject(new Error(`could not read the port bound on ${host}`));
          });
        }),
      );
    }
    return ports;
  } finally {
    await Promise.all(
      servers.map(
        (server) =>
          new Promise<void>((resolve) => (server.listening ? server.close(() => resolve()) : resolve())),
      ),
    );
  }
}
