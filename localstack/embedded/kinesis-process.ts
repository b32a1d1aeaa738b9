/**
 * Entry point of the Kinesis emulator process (spawned by `startEmbeddedStack`, not imported).
 *
 * Runs kinesis-local in this process after patching `net.Server#listen` so that it binds 127.0.0.1
 * (kinesis-local has no host option and binds every interface), reports its two ports to the parent
 * once both listen, and turns a stop request or the parent's death into SIGTERM, on which
 * kinesis-local shuts down gracefully and writes its snapshot (or, if that hangs after the parent's
 * death, exits hard: an orphan must not keep the ports and the data directory).
 */
import { Server } from 'node:net';
import { join } from 'node:path';
import { LOOPBACK_HOST } from './constants.js';
import { holdResponsesUntilDurable, makeSnapshotsAtomic, stopHoldingSnapshots } from './durable-acks.js';
import { isStopMessage, sendToParent } from './ipc.js';
import { ORPHAN_GRACE_MS, watchOwner } from './owner-watch.js';
import { identify } from './process-liveness.js';
import { runKinesisLocal } from './vendor.js';

const WILDCARD_HOSTS: ReadonlySet<string> = new Set(['0.0.0.0', '::', '']);
const EXPECTED_SERVERS = 2;
const plainPort = Number(process.env.KINESIS_MOCK_PLAIN_PORT);
const boundPorts: number[] = [];

function toLoopback(args: unknown[]): unknown[] {
  const [first, second] = args;
  if (typeof first === 'number' || typeof first === 'string') {
    if (args.length === 1 || typeof second === 'function') return [first, LOOPBACK_HOST, ...args.slice(1)];
    if (typeof second === 'string' && WILDCARD_HOSTS.has(second))
      return [first, LOOPBACK_HOST, ...args.slice(2)];
    return args;
  }
  if (typeof first === 'object' && first !== null && !('path' in first) && !('fd' in first)) {
    const options: { host?: unknown } = first;
    if (
      options.host === undefined ||
      (typeof options.host === 'string' && WILDCARD_HOSTS.has(options.host))
    ) {
      return [{ ...first, host: LOOPBACK_HOST }, ...args.slice(1)];
    }
  }
  return args;
}

function recordListening(server: Server): void {
  const address = server.address();
  if (typeof address !== 'object' || address === null) return;
  boundPorts.push(address.port);
  if (boundPorts.length !== EXPECTED_SERVERS) return;
  const tlsPort = boundPorts.find((port) => port !== plainPort);
  if (!boundPorts.includes(plainPort) || tlsPort === undefined) {
    void sendToParent({ type: 'failed', reason: `unexpected listening ports ${boundPorts.join(', ')}` });
    return;
  }
  void sendToParent({ type: 'ready', ports: { plain: plainPort, tls: tlsPort } });
}

/** With persistence, acknowledge nothing that is not on disk (see durable-acks.ts). */
const durableAcks = process.env.SPARKLESS_DURABLE_ACKS === 'true' && process.env.PERSIST_PATH !== undefined;
if (durableAcks) {
  makeSnapshotsAtomic(
    join(process.env.PERSIST_PATH ?? '', process.env.PERSIST_FILE_NAME ?? 'kinesis-data.json'),
  );
}

const originalListen = Server.prototype.listen;
function loopbackListen(this: Server, ...args: unknown[]): Server {
  this.once('listening', () => recordListening(this));
  if (durableAcks) holdResponsesUntilDurable(this);
  return Reflect.apply(originalListen, this, toLoopback(args));
}
Server.prototype.listen = loopbackListen as typeof originalListen;

function requestGracefulExit(): void {
  stopHoldingSnapshots();
  process.kill(process.pid, 'SIGTERM');
}
process.on('message', (message: unknown) => {
  if (isStopMessage(message)) requestGracefulExit();
});
// The stack's owner died (IPC closed, or this process was re-parented): flush and exit, hard after a grace period.
watchOwner(requestGracefulExit, { owners: [identify(process.ppid)], ipc: true, graceMs: ORPHAN_GRACE_MS });
process.stdout.on('error', () => undefined);
process.stderr.on('error', () => undefined);

runKinesisLocal();
