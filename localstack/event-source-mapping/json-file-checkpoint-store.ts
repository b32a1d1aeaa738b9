import { randomUUID } from 'node:crypto';
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { type CheckpointStore, isCheckpointAdvance, type ShardCheckpoint } from './checkpoint-store';
import { CheckpointStoreError } from './errors';

/** Properties of {@link JsonFileCheckpointStore}. */
export interface JsonFileCheckpointStoreProps {
  /** The JSON file; its folder is created on the first save. */
  readonly path: string;
}

interface FileLayout {
  version: 1;
  mappings: Record<string, Record<string, ShardCheckpoint>>;
}

/**
 * Checkpoints in one JSON file, so a restarted runner continues after its checkpoints. Writes are serialized
 * and atomic (temporary file + rename). One process per file: the file is read once, on first use.
 *
 * @example
 * const store = new JsonFileCheckpointStore({ path: '.data/esm-checkpoints.json' });
 */
export class JsonFileCheckpointStore implements CheckpointStore {
  readonly #path: string;
  #data: Promise<FileLayout> | undefined;
  #writes: Promise<void> = Promise.resolve();

  constructor(props: JsonFileCheckpointStoreProps) {
    this.#path = props.path;
  }

  async load(mappingId: string, shardId: string): Promise<ShardCheckpoint | undefined> {
    const data = await this.#read();
    return data.mappings[mappingId]?.[shardId];
  }

  async save(mappingId: string, shardId: string, checkpoint: ShardCheckpoint): Promise<void> {
    const data = await this.#read();
    const shards = data.mappings[mappingId] ?? {};
    if (!isCheckpointAdvance(shards[shardId], checkpoint)) return;
    shards[shardId] = { sequenceNumber: checkpoint.sequenceNumber, shardEnd: checkpoint.shardEnd };
    data.mappings[mappingId] = shards;
    const content = `${JSON.stringify(data, null, 2)}\n`;
    const write = this.#writes.then(() => this.#write(content));
    this.#writes = write.catch(() => undefined);
    await write;
  }

  #read(): Promise<FileLayout> {
    this.#data ??= this.#parse();
    return this.#data;
  }

  async #parse(): Promise<FileLayout> {
    let text: string;
    try {
      text = await readFile(this.#path, 'utf8');
    } catch (error) {
      if (isNodeError(error) && error.code === 'ENOENT') return { version: 1, mappings: {} };
      throw new CheckpointStoreError(`cannot read checkpoint file ${this.#path}`, error);
    }
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch (error) {
      throw new CheckpointStoreError(`checkpoint file ${this.#path} is not valid JSON`, error);
    }
    if (!isFileLayout(parsed)) {
      throw new CheckpointStoreError(
        `checkpoint file ${this.#path} does not have the expected layout (version 1)`,
      );
    }
    return parsed;
  }

  async #write(content: string): Promise<void> {
    const temporary = `${this.#path}.${process.pid}.${randomUUID()}.tmp`;
    try {
      await mkdir(dirname(this.#path), { recursive: true });
      await writeFile(temporary, content, 'utf8');
      await rename(temporary, this.#path);
    } catch (error) {
      throw new CheckpointStoreError(`cannot write checkpoint file ${this.#path}`, error);
    }
  }
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function isShardCheckpoint(value: unknown): value is ShardCheckpoint {
  return (
    isRecord(value) &&
    typeof value.shardEnd === 'boolean' &&
    (value.sequenceNumber === undefined || typeof value.sequenceNumber === 'string')
  );
}

function isFileLayout(value: unknown): value is FileLayout {
  if (!isRecord(value) || value.version !== 1 || !isRecord(value.mappings)) return false;
  return Object.values(value.mappings).every(
    (shards) => isRecord(shards) && Object.values(shards).every(isShardCheckpoint),
  );
}

function isNodeError(error: unknown): error is NodeJS.ErrnoException {
  return error instanceof Error && 'code' in error;
}
