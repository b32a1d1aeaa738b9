/**
 * Typed loaders for the emulator packages, which ship no type declarations. Loading through
 * `createRequire` with a local interface (instead of an ambient `declare module`) keeps these
 * types private to this folder, so they cannot clash with declarations elsewhere in the project.
 */
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import { createRequire } from 'node:module';

const requireFromHere = createRequire(import.meta.url);

/** The subset of dynalite's options the stack uses. */
export interface DynaliteOptions {
  /** LevelDB directory; in memory when absent. */
  readonly path?: string;
  /** Milliseconds a table stays CREATING. */
  readonly createTableMs?: number;
  /** Milliseconds a table stays DELETING. */
  readonly deleteTableMs?: number;
  /** Milliseconds a table stays UPDATING. */
  readonly updateTableMs?: number;
}

/** dynalite's factory: returns an unbound HTTP server whose `close` also closes the store. */
export type DynaliteFactory = (options: DynaliteOptions) => Server;

/** The subset of s3rver's options the stack uses. */
export interface S3rverOptions {
  /** Bucket storage directory. */
  readonly directory: string;
  /** Suppress request logs. */
  readonly silent: boolean;
  /** Domain for virtual-host style addressing (`<bucket>.s3.<serviceEndpoint>`). */
  readonly serviceEndpoint: string;
  /** Treat any unknown host name as a bucket name. */
  readonly vhostBuckets: boolean;
  /** Accept requests whose signature does not verify (s3rver only verifies SigV2 anyway). */
  readonly allowMismatchedSignatures: boolean;
}

/** An s3rver instance (a Koa app). */
export interface S3rverInstance {
  /** Request handler for `http.createServer`. */
  callback(): (request: IncomingMessage, response: ServerResponse) => void;
}

/** s3rver's constructor. */
export type S3rverConstructor = new (options: S3rverOptions) => S3rverInstance;

/** s3rver's account registry (`s3rver/lib/models/account`), where access keys are registered. */
export interface S3rverAccountModule {
  /** Registered access key ids. */
  readonly registry: Map<string, unknown>;
  /** The account every key is registered on. */
  readonly DUMMY_ACCOUNT: {
    createKeyPair(accessKeyId: string, secretAccessKey: string): void;
  };
}

/** Loads dynalite. */
export function loadDynalite(): DynaliteFactory {
  return requireFromHere('dynalite');
}

/** Loads s3rver's constructor. */
export function loadS3rver(): S3rverConstructor {
  return requireFromHere('s3rver');
}

/** Loads s3rver's account registry. */
export function loadS3rverAccounts(): S3rverAccountModule {
  return requireFromHere('s3rver/lib/models/account');
}

/** Runs kinesis-local in this process (its entry script starts the servers when loaded). */
export function runKinesisLocal(): void {
  requireFromHere('kinesis-local');
}

/** Absolute path of kinesis-local's self-signed certificate bundle (`KINESIS_MOCK_CERT_PATH`). */
export function kinesisLocalCertPath(): string {
  return requireFromHere.resolve('kinesis-local/server.json');
}
