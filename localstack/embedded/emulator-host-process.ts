/**
 * Entry point of the DynamoDB + S3 emulator process (spawned by `startEmbeddedStack` with
 * `--openssl-legacy-provider`, which s3rver's ListObjectsV2 continuation tokens need).
 *
 * Starts dynalite and s3rver on free loopback ports, reports them to the parent, and on a stop
 * request, SIGTERM/SIGINT or the parent's death closes both servers (which flushes dynalite's
 * LevelDB) and exits.
 */
import { createServer, type Server } from 'node:http';
import { LOOPBACK_HOST } from './constants.js';
import { parseEmulatorHostConfig } from './host-config.js';
import { isStopMessage, sendToParent } from './ipc.js';
import { ORPHAN_GRACE_MS, watchOwner } from './owner-watch.js';
import { identify } from './process-liveness.js';
import { accessKeyIdOf } from './s3-access-keys.js';
import { loadDynalite, loadS3rver, loadS3rverAccounts } from './vendor.js';

function listen(server: Server): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen({ port: 0, host: LOOPBACK_HOST }, () => {
      const address = server.address();
      if (typeof address === 'object' && address !== null) resolve(address.port);
      else reject(new Error('could not read the bound port'));
    });
  });
}

function close(server: Server): Promise<void> {
  return new Promise((resolve) => {
    if (!server.listening) {
      resolve();
      return;
    }
    server.close(() => resolve());
    server.closeAllConnections();
  });
}

async function main(): Promise<void> {
  const config = parseEmulatorHostConfig(process.argv[2] ?? '');

  const dynamodb = loadDynalite()({
    ...(config.dynamodbPath === undefined ? {} : { path: config.dynamodbPath }),
    createTableMs: 0,
    deleteTableMs: 0,
    updateTableMs: 0,
  });

  const accounts = loadS3rverAccounts();
  for (const key of config.accessKeys)
    accounts.DUMMY_ACCOUNT.createKeyPair(key.accessKeyId, key.secretAccessKey);
  const S3rver = loadS3rver();
  const s3rver = new S3rver({
    directory: config.s3Directory,
    silent: true,
    serviceEndpoint: config.s3ServiceEndpoint,
    vhostBuckets: false,
    allowMismatchedSignatures: true,
  });
  const handleS3 = s3rver.callback();
  const s3 = createServer((request, response) => {
    // Like LocalStack, accept any access key: s3rver rejects keys it does not know.
    const accessKeyId = accessKeyIdOf(request.headers, request.url);
    if (accessKeyId && !accounts.registry.has(accessKeyId)) {
      accounts.DUMMY_ACCOUNT.createKeyPair(accessKeyId, accessKeyId);
    }
    handleS3(request, response);
  });

  let stopping: Promise<void> | undefined;
  const shutdown = (): Promise<void> => {
    stopping ??= Promise.all([close(s3), close(dynamodb)]).then(() => process.exit(0));
    return stopping;
  };
  process.on('message', (message: unknown) => {
    if (isStopMessage(message)) void shutdown();
  });
  watchOwner(() => void shutdown(), {
    owners: [identify(process.ppid)],
    ipc: true,
    graceMs: ORPHAN_GRACE_MS,
  });
  process.on('SIGTERM', () => void shutdown());
  process.on('SIGINT', () => void shutdown());
  process.stdout.on('error', () => undefined);
  process.stderr.on('error', () => undefined);

  const [dynamodbPort, s3Port] = await Promise.all([listen(dynamodb), listen(s3)]);
  await sendToParent({ type: 'ready', ports: { dynamodb: dynamodbPort, s3: s3Port } });
}

main().catch(async (error: unknown) => {
  const reason = error instanceof Error ? (error.stack ?? error.message) : String(error);
  await sendToParent({ type: 'failed', reason });
  process.exit(1);
});
