import { performance } from 'node:perf_hooks';
import { EMULATOR_ENGINES, LOOPBACK_HOST } from './constants.js';
import { prepareDataDir, type StackDataDir } from './data-dir.js';
import type { EmulatorProcess } from './emulator-process.js';
import { startDynamoDbAndS3Emulator, startKinesisEmulator } from './emulators.js';
import { EmulatorStopError } from './errors.js';
import { type Gateway, startGateway, type UpstreamPorts } from './gateway.js';
import { healthReport } from './health.js';
import { type ResolvedStackOptions, resolveStackOptions } from './options.js';
import type { EmbeddedStack, EmbeddedStackOptions } from './types.js';

function requirePort(emulator: EmulatorProcess, name: string): number {
  const port = emulator.ports[name];
  if (port === undefined) throw new Error(`${emulator.name} emulator reported no ${name} port`);
  return port;
}

async function startEmulators(
  options: ResolvedStackOptions,
  dataDir: StackDataDir,
): Promise<{ readonly kinesis: EmulatorProcess; readonly host: EmulatorProcess }> {
  const launch = { region: options.region, startTimeoutMs: options.startTimeoutMs, verbose: options.verbose };
  const [kinesis, host] = await Promise.allSettled([
    startKinesisEmulator({ ...launch, persistPath: dataDir.persistent ? dataDir.kinesis : undefined }),
    startDynamoDbAndS3Emulator({ ...launch, dynamodbPath: dataDir.dynamodb, s3Directory: dataDir.s3 }),
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
 * needs no node flags), which exit with the caller.
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
  let emulators: { readonly kinesis: EmulatorProcess; readonly host: EmulatorProcess } | undefined;
  let upstreams: UpstreamPorts | undefined;
  const gateway: Gateway = await startGateway({
    port: resolved.port,
    upstreams: () => upstreams,
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
    emulators = await startEmulators(resolved, dataDir);
    upstreams = {
      kinesis: requirePort(emulators.kinesis, 'plain'),
      dynamodb: requirePort(emulators.host, 'dynamodb'),
      s3: requirePort(emulators.host, 's3'),
    };
  } catch (error) {
    await gateway.close();
    await dataDir?.release();
    throw error;
  }

  const running = emulators;
  const data = dataDir;
  const ports = upstreams;
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
      kinesis: { endpoint: local(ports.kinesis), engine: EMULATOR_ENGINES.kinesis },
      dynamodb: { endpoint: local(ports.dynamodb), engine: EMULATOR_ENGINES.dynamodb },
      s3: { endpoint: local(ports.s3), engine: EMULATOR_ENGINES.s3 },
    },
    startupMs: Math.round(performance.now() - startedAt),
    stop: () => {
      stopping ??= stop();
      return stopping;
    },
  };
}
