import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { DEFAULT_DATA_DIR } from './constants.js';
import { LocalStackError, LocalStackErrorCode } from './errors.js';
import { identify, isRunning, type ProcessIdentity } from './process-liveness.js';

/** The directories the emulators use, and how to release them. */
export interface StackDataDir {
  /** Root directory. */
  readonly root: string;
  /** Whether the data survives a stop (false: a temporary directory removed by {@link release}). */
  readonly persistent: boolean;
  /** Directory kinesis-local writes its snapshot to. */
  readonly kinesis: string;
  /** LevelDB directory of dynalite, or `undefined` to run it in memory. */
  readonly dynamodb: string | undefined;
  /** s3rver's bucket directory (s3rver always stores on disk). */
  readonly s3: string;
  /** Removes the lock of a persistent directory, or the whole directory if it is temporary. */
  release(): Promise<void>;
}

/** Inputs of {@link prepareDataDir}. */
export interface PrepareDataDirInput {
  /** Keep data on disk across restarts. */
  readonly persist: boolean;
  /** Root directory when persisting; relative paths resolve against `cwd`. */
  readonly dataDir?: string;
  /** Base for relative paths and the default directory. */
  readonly cwd: string;
}

const LOCK_FILE = 'stack.lock';

/** Who holds a lock: written as JSON `{ pid, startTime }`; older locks hold the bare pid. */
function parseLock(text: string): ProcessIdentity | undefined {
  const trimmed = text.trim();
  try {
    const parsed: unknown = JSON.parse(trimmed);
    if (typeof parsed === 'number')
      return Number.isInteger(parsed) && parsed > 0 ? { pid: parsed, startTime: undefined } : undefined;
    if (typeof parsed !== 'object' || parsed === null) return undefined;
    const { pid, startTime } = parsed as { pid?: unknown; startTime?: unknown };
    if (typeof pid !== 'number' || !Number.isInteger(pid) || pid <= 0) return undefined;
    return { pid, startTime: typeof startTime === 'string' ? startTime : undefined };
  } catch {
    return undefined;
  }
}

/**
 * Claims a persistent directory for this process: two stacks on one directory would overwrite
 * each other's Kinesis snapshot. The lock names the owner's pid and start time; a lock whose owner
 * is gone (dead, a zombie, or its pid reused by another process) is taken over.
 */
async function lock(root: string): Promise<string> {
  const path = join(root, LOCK_FILE);
  for (let attempt = 0; attempt < 3; attempt++) {
    try {
      await writeFile(path, JSON.stringify(identify(process.pid)), { flag: 'wx' });
      return path;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      const owner = parseLock(await readFile(path, 'utf8').catch(() => ''));
      if (owner !== undefined && isRunning(owner)) {
        throw new LocalStackError(
          LocalStackErrorCode.dataDirInUse,
          `data directory ${root} is used by another running stack (pid ${owner.pid}); stop that stack ` +
            `(Ctrl-C in its terminal, or kill ${owner.pid}), or choose another data directory (--data-dir / dataDir)`,
        );
      }
      await rm(path, { force: true });
    }
  }
  throw new LocalStackError(LocalStackErrorCode.dataDirInUse, `could not lock data directory ${root}`);
}

/**
 * Creates (if needed) the data directory layout the emulators write to: `kinesis/`, `dynamodb/`, `s3/`
 * under one root (locked against a second stack), or a fresh temporary root when not persisting.
 *
 * @throws {@link LocalStackError} `DATA_DIR_IN_USE` when another live stack holds the directory.
 */
export async function prepareDataDir(input: PrepareDataDirInput): Promise<StackDataDir> {
  const root = input.persist
    ? resolve(input.cwd, input.dataDir ?? DEFAULT_DATA_DIR)
    : await mkdtemp(join(tmpdir(), 'sparkless-localstack-'));
  const layout = {
    root,
    persistent: input.persist,
    kinesis: join(root, 'kinesis'),
    dynamodb: input.persist ? join(root, 'dynamodb') : undefined,
    s3: join(root, 's3'),
  };
  await Promise.all(
    [layout.kinesis, layout.dynamodb, layout.s3]
      .filter((dir): dir is string => dir !== undefined)
      .map((dir) => mkdir(dir, { recursive: true })),
  );
  const lockPath = input.persist ? await lock(root) : undefined;
  return {
    ...layout,
    release: async () => {
      if (lockPath) await rm(lockPath, { force: true });
      else await rm(root, { recursive: true, force: true });
    },
  };
}
