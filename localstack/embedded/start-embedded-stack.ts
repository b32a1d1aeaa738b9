import { performance } from 'node:perf_hooks';
import { EMULATOR_ENGINES, type EmulatedService, LOOPBACK_HOST } from './constants.js';
import { prepareDataDir, type StackDataDir } from './data-dir.js';
import type { EmulatorProcess } from './emulator-process.js';
import { type SupervisedEmulator, superviseEmulator } from './supervised-emulator.js';
import { startDynamoDbAndS3Emulator, startKinesisEmulator } from './emulators.js';
import { EmulatorStopError } from './errors.js';
import { type Gateway, startGateway, type UpstreamPorts } from './gateway.js';
import { healthReport } from './health.js';
import { type ResolvedStackOptions, resolveStackOptions } from './options.js';
import type { EmbeddedStack, EmbeddedStackOptions } from './types.js';

function requirePort(emulator: SupervisedEmulator, name: string): number {
  const port = emulator.ports()[name];
  if (port === undefined) throw new Error(`${emulator.name} emulator reported no ${name} port`);
  return port;
}

/** Both emulator processes, each restarted with its data directory if it exits unexpectedly. */
interface Emulators {
  readonly kinesis: SupervisedEmulator;
  readonly host: SupervisedEmulator;
}

async function startEmulators(options: ResolvedStackOptions, dataDir: StackDataDir): Promise<Emulators> {
  const launch = { region: options.region, startTimeoutMs: options.startTimeoutMs, verbose: options.verbose };
  const startKinesis = (previous: EmulatorProcess | undefined) =>
    startKinesisEmulator({
      ...launch,
      persistPath: dataDir.persistent ? dataDir.kinesis : undefined,
      snapshotIntervalMs: options.kinesisSnapshotIntervalMs,
      ...(previous === undefined ? {} : { preferredPorts: previous.ports }),
    });
  const startHost = () =>
    startDynamoDbAndS3Emulator({ ...launch, dynamodbPath: dataDir.dynamodb, s3Directory: dataDir.s3 });
  const [kinesis, host] = await Promise.allSettled([
    superviseEmulator(startKinesis, options.log),
    superviseEmulator(startHost, options.log),
  ]);
  if (kinesis.status === 'fulfilled' && host.status === 'fulfilled') {
    return { kinesis: kinesis.value, host: host.value };
  }
  const results = [kinesis, host];
  await Promise.all(
    results.map((result) => (result.status === 'fulfilled' ? result.value.stop() : undefined)),
  );
  const failure = results.find((result) => result.status === 'rejected');
  throw failure?.reason;
}

/**
 * Starts Kinesis (kinesis-local), DynamoDB (dynalite) and S3 (s3rver) emulators on free loopback
 * ports, behind one LocalStack-style endpoint on 127.0.0.1 that routes by `X-Amz-Target`
 * and answers `GET /_localstack/health`. The emulators run in child processes (so the caller
 * needs no node flags), which exit with the caller and are restarted with their data directory
 * when they exit unexpectedly. With a persistent data directory Kinesis acknowledges nothing that
 * is not on disk, so a crash at any moment loses no acknowledged put.
 *
 * @example
 * ```ts
 * const stack = await startEmbeddedStack({ port: 0, persist: false });
 * const { kinesis, dynamodb, s3 } = createAwsClients({ endpoint: stack.endpoint, region: stack.region });
 * // ...
 * await stack.stop();
 * ```
 *
 * @throws {@link LocalStackError} `INVALID_OPTIONS` for bad options, {@link PortInUseError} when the
 *   port is taken, {@link EmulatorStartError} when an emulator fails to start (everything started is stopped again).
 */
export async function startEmbeddedStack(options: EmbeddedStackOptions = {}): Promise<EmbeddedStack> {
  const startedAt = performance.now();
  const resolved = resolveStackOptions(options);
  let emulators: Emulators | undefined;
  let upstreams: (() => UpstreamPorts) | undefined;
  const gateway: Gateway = await startGateway({
    port: resolved.port,
    upstreams: () => upstreams?.(),
    health: () =>
      healthReport(resolved.region, {
        kinesis: emulators?.kinesis.isRunning() ?? false,
        dynamodb: emulators?.host.isRunning() ?? false,
        s3: emulators?.host.isRunning() ?? false,
      }),
  });

  let dataDir: StackDataDir | undefined;
  try {
    dataDir = await prepareDataDir({
      persist: resolved.persist,
      dataDir: resolved.dataDir,
      cwd: process.cwd(),
    });
    const started = await startEmulators(resolved, dataDir);
    emulators = started;
    upstreams = () => ({
      kinesis: requirePort(started.kinesis, 'plain'),
      dynamodb: requirePort(started.host, 'dynamodb'),
      s3: requirePort(started.host, 's3'),
    });
  } catch (error) {
    await gateway.close();
    await dataDir?.release();
    throw error;
  }

  const running = emulators;
  const data = dataDir;
  const ports = upstreams;
  const emulatorOf = (name: EmulatedService): SupervisedEmulator =>
    name === 'kinesis' ? running.kinesis : running.host;
  const service = (name: EmulatedService, port: () => number) => ({
    get endpoint() {
      return local(port());
    },
    engine: EMULATOR_ENGINES[name],
    get pid() {
      return emulatorOf(name).current().pid;
    },
  });
  let stopping: Promise<void> | undefined;
  const stop = async (): Promise<void> => {
    await gateway.close();
    const results = await Promise.all([running.kinesis.stop(), running.host.stop()]);
    await data.release();
    const killed = [running.kinesis, running.host].filter((_, index) => results[index]?.killed);
    if (killed.length > 0) throw new EmulatorStopError(killed.map((emulator) => emulator.name));
  };
  const local = (port: number): string => `http://${LOOPBACK_HOST}:${port}`;
  return {
    endpoint: local(gateway.port),
    region: resolved.region,
    dataDir: data.root,
    persistent: data.persistent,
    services: {
      kinesis: service('kinesis', () => ports().kinesis),
      dynamodb: service('dynamodb', () => ports().dynamodb),
      s3: service('s3', () => ports().s3),
    },
    emulatorRestarts: () => running.kinesis.restarts() + running.host.restarts(),
    holdRestarts: (name) => emulatorOf(name).holdRestarts(),
    startupMs: Math.round(performance.now() - startedAt),
    stop: () => {
      stopping ??= stop();
      return stopping;
    },
  };
}
