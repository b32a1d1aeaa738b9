import { type ChildProcess, spawn } from 'node:child_process';
import { createRequire } from 'node:module';
import { Socket } from 'node:net';
import { dirname, extname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { STOP_TIMEOUT_MS } from './constants.js';
import { EmulatorStartError, type EmulatorStartErrorCode, LocalStackErrorCode } from './errors.js';
import { isChildMessage, type StopMessage } from './ipc.js';
import { OutputTail } from './output-tail.js';

/** How to launch one emulator process. */
export interface EmulatorProcessSpec {
  /** Name used in errors and log prefixes, e.g. `kinesis`. */
  readonly name: string;
  /** Entry module next to this file, without extension, e.g. `kinesis-process`. */
  readonly entry: string;
  /** Extra `node` flags, e.g. `--openssl-legacy-provider`. */
  readonly nodeFlags: readonly string[];
  /** Arguments after the entry script. */
  readonly args: readonly string[];
  /** Environment added to (a copy of) this process's. */
  readonly env: Readonly<Record<string, string>>;
  /** How long the process may take to report ready. */
  readonly startTimeoutMs: number;
  /** Forward the process's output to this process's stderr. */
  readonly verbose: boolean;
}

/** A running emulator process. */
export interface EmulatorProcess {
  /** Name from the spec. */
  readonly name: string;
  /** Ports the process reported when ready. */
  readonly ports: Readonly<Record<string, number>>;
  /** The process id. */
  readonly pid: number;
  /** Resolves when the process has exited (after `stop()`, or on its own: a crash), with how it ended. */
  readonly exited: Promise<string>;
  /** False once the process has exited. */
  isRunning(): boolean;
  /**
   * Asks the process to flush and exit, kills it if it does not within the stop timeout; resolves
   * once it is gone, with whether it had to be killed.
   */
  stop(): Promise<{ readonly killed: boolean }>;
}

const here = fileURLToPath(import.meta.url);

/**
 * `node` arguments that load the entry module: this folder is run as TypeScript through tsx
 * (`--import tsx`, the caller needs no flags), or as JavaScript once compiled.
 */
function entryArguments(entry: string): string[] {
  const extension = extname(here);
  const script = join(dirname(here), `${entry}${extension}`);
  if (extension !== '.ts') return [script];
  const tsxLoader = pathToFileURL(createRequire(import.meta.url).resolve('tsx')).href;
  return ['--import', tsxLoader, script];
}

/** This process's environment without settings that must not leak into the emulators (e.g. `--inspect`). */
function childEnvironment(extra: Readonly<Record<string, string>>): NodeJS.ProcessEnv {
  const { NODE_OPTIONS: _nodeOptions, ...inherited } = process.env;
  return { ...inherited, ...extra };
}

function describeExit(code: number | null, signal: NodeJS.Signals | null): string {
  return signal ? `exited on signal ${signal}` : `exited with code ${code ?? 'unknown'}`;
}

function forwardOutput(child: ChildProcess, spec: EmulatorProcessSpec, tail: OutputTail): void {
  const onData = (chunk: Buffer): void => {
    const text = chunk.toString('utf8');
    tail.append(text);
    if (spec.verbose) {
      process.stderr.write(
        text
          .split('\n')
          .filter((line) => line !== '')
          .map((line) => `[${spec.name}] ${line}\n`)
          .join(''),
      );
    }
  };
  child.stdout?.on('data', onData);
  child.stderr?.on('data', onData);
}

function waitForReady(
  child: ChildProcess,
  spec: EmulatorProcessSpec,
  tail: OutputTail,
): Promise<Readonly<Record<string, number>>> {
  return new Promise((resolve, reject) => {
    const fail = (code: EmulatorStartErrorCode, reason: string, cause?: unknown): void => {
      cleanup();
      reject(
        new EmulatorStartError(
          code,
          spec.name,
          reason,
          tail.toString(),
          cause === undefined ? undefined : { cause },
        ),
      );
    };
    const onMessage = (message: unknown): void => {
      if (!isChildMessage(message)) return;
      if (message.type === 'ready') {
        cleanup();
        resolve(message.ports);
      } else fail(LocalStackErrorCode.emulatorStartFailed, message.reason);
    };
    const onExit = (code: number | null, signal: NodeJS.Signals | null): void =>
      fail(LocalStackErrorCode.emulatorStartFailed, `${describeExit(code, signal)} before it was ready`);
    const onError = (error: Error): void =>
      fail(LocalStackErrorCode.emulatorStartFailed, `could not spawn node: ${error.message}`, error);
    const timer = setTimeout(
      () => fail(LocalStackErrorCode.emulatorStartTimeout, `not ready after ${spec.startTimeoutMs} ms`),
      spec.startTimeoutMs,
    );
    const cleanup = (): void => {
      clearTimeout(timer);
      child.off('message', onMessage);
      child.off('exit', onExit);
      child.off('error', onError);
    };
    child.on('message', onMessage);
    child.once('exit', onExit);
    child.once('error', onError);
  });
}

/** Lets this process exit while the child runs (the child exits by itself when this process dies). */
function setReferenced(child: ChildProcess, referenced: boolean): void {
  const streams = [child.stdout, child.stderr].filter((stream) => stream instanceof Socket);
  for (const handle of [child, child.channel, ...streams]) {
    if (referenced) handle?.ref();
    else handle?.unref();
  }
}

/**
 * Spawns an emulator process and resolves once it reports ready.
 *
 * The process runs detached in its own process group (a terminal's Ctrl-C reaches only the
 * parent, which stops it in order) and watches its IPC channel: when the parent dies, the channel
 * closes and the process flushes its data and exits. So no emulator outlives the stack's owner.
 *
 * @throws {@link EmulatorStartError} when it exits, fails or times out before it is ready (the process is killed).
 */
export async function spawnEmulatorProcess(spec: EmulatorProcessSpec): Promise<EmulatorProcess> {
  const child = spawn(process.execPath, [...spec.nodeFlags, ...entryArguments(spec.entry), ...spec.args], {
    env: childEnvironment(spec.env),
    stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
    detached: true,
  });
  const tail = new OutputTail();
  forwardOutput(child, spec, tail);
  let exited = child.exitCode !== null || child.signalCode !== null;
  const exit = new Promise<string>((resolve) => {
    child.once('exit', (code, signal) => {
      exited = true;
      resolve(describeExit(code, signal));
    });
  });
  child.once('error', () => undefined);

  let ports: Readonly<Record<string, number>>;
  try {
    ports = await waitForReady(child, spec, tail);
  } catch (error) {
    if (child.pid !== undefined) {
      if (!exited) child.kill('SIGKILL');
      await exit;
    }
    throw error;
  }
  setReferenced(child, false);

  let stopping: Promise<{ readonly killed: boolean }> | undefined;
  const stop = async (): Promise<{ readonly killed: boolean }> => {
    if (exited) return { killed: false };
    setReferenced(child, true);
    const stopMessage: StopMessage = { type: 'stop' };
    if (child.connected) child.send(stopMessage);
    else child.kill('SIGTERM');
    let timer: NodeJS.Timeout | undefined;
    const timedOut = await Promise.race([
      exit.then(() => false),
      new Promise<boolean>((resolve) => {
        timer = setTimeout(() => resolve(true), STOP_TIMEOUT_MS);
      }),
    ]);
    clearTimeout(timer);
    if (timedOut) {
      child.kill('SIGKILL');
      await exit;
    }
    return { killed: timedOut };
  };
  return {
    name: spec.name,
    ports,
    pid: child.pid ?? 0,
    exited: exit,
    isRunning: () => !exited,
    stop: () => {
      stopping ??= stop();
      return stopping;
    },
  };
}
