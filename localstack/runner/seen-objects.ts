import { randomUUID } from 'node:crypto';
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { LocalRunnerError, LocalRunnerErrorCode } from './errors';

interface FileLayout {
  readonly version: 1;
  readonly seen: readonly string[];
}

/** Options of {@link SeenObjects}. */
export interface SeenObjectsOptions {
  /**
   * A JSON file that keeps the seen versions across restarts (written atomically: temporary file
   * + rename; its folder is created on the first save). One process per file.
   *
   * @default none: remembered in memory only
   */
  readonly path?: string;
}

/**
 * The object versions (key + ETag) a directory monitor has already handed to the function, like
 * the file list Spark's `FileInputDStream` remembers. Loaded from the file (if any) on first use.
 */
export class SeenObjects {
  readonly #path: string | undefined;
  #seen: Promise<Set<string>> | undefined;
  #writes: Promise<void> = Promise.resolve();

  public constructor(options: SeenObjectsOptions = {}) {
    this.#path = options.path;
  }

  /** The identity of one object version. */
  public static idOf(key: string, eTag: string): string {
    return `${key}#${eTag}`;
  }

  /** True when the version was already seen. */
  public async has(id: string): Promise<boolean> {
    return (await this.#load()).has(id);
  }

  /** Remembers versions and, with a file, persists the whole set. */
  public async add(ids: readonly string[]): Promise<void> {
    if (ids.length === 0) return;
    const seen = await this.#load();
    for (const id of ids) seen.add(id);
    if (this.#path === undefined) return;
    const content = `${JSON.stringify({ version: 1, seen: [...seen] } satisfies FileLayout)}\n`;
    const path = this.#path;
    const write = this.#writes.then(() => writeAtomically(path, content));
    this.#writes = write.catch(() => undefined);
    await write;
  }

  /** How many versions are remembered. */
  public async size(): Promise<number> {
    return (await this.#load()).size;
  }

  #load(): Promise<Set<string>> {
    this.#seen ??= this.#path === undefined ? Promise.resolve(new Set()) : readSeen(this.#path);
    return this.#seen;
  }
}

async function readSeen(path: string): Promise<Set<string>> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException | undefined)?.code === 'ENOENT') return new Set();
    throw new LocalRunnerError(LocalRunnerErrorCode.SeenObjectsFile, `cannot read ${path}`, { cause: error });
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    throw new LocalRunnerError(LocalRunnerErrorCode.SeenObjectsFile, `${path} is not valid JSON`, {
      cause: error,
    });
  }
  const layout = parsed as Partial<FileLayout> | null;
  if (
    layout?.version !== 1 ||
    !Array.isArray(layout.seen) ||
    !layout.seen.every((id) => typeof id === 'string')
  ) {
    throw new LocalRunnerError(
      LocalRunnerErrorCode.SeenObjectsFile,
      `${path} does not have the expected layout ({ "version": 1, "seen": [...] }): delete it to start over`,
    );
  }
  return new Set(layout.seen);
}

async function writeAtomically(path: string, content: string): Promise<void> {
  const temporary = `${path}.${process.pid}.${randomUUID()}.tmp`;
  try {
    await mkdir(dirname(path), { recursive: true });
    await writeFile(temporary, content, 'utf8');
    await rename(temporary, path);
  } catch (error) {
    throw new LocalRunnerError(LocalRunnerErrorCode.SeenObjectsFile, `cannot write ${path}`, {
      cause: error,
    });
  }
}
