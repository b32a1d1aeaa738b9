import { InvalidConfigurationError } from '../../lib/core';

/** Command-line options of `npm start`. */
export interface MainOptions {
  /** Keep running after the sample, reading lines from stdin until Ctrl-C. */
  readonly follow: boolean;
  /** Port of the embedded stack's endpoint (0: any free port). */
  readonly port: number;
  /** Directory to persist the local stack in (state survives restarts); undefined: a fresh temporary stack. */
  readonly dataDir: string | undefined;
  /** Number of shards of the local stream. */
  readonly shards: number;
  /** Text file to produce instead of the bundled sample. */
  readonly input: string | undefined;
  /** Whether to also produce one record of invalid UTF-8, to show the dead-letter path. */
  readonly malformedRecord: boolean;
  /** Whether to read lines from stdin too (when it is piped, not a terminal). */
  readonly readStdin: boolean;
}

const USAGE = `usage: npm start -- [program] [--follow] [--port N] [--data-dir DIR] [--shards N] [--input FILE] [--no-malformed]
  --follow        keep running and count lines typed or piped on stdin (like Spark's socketTextStream), Ctrl-C stops gracefully
  --port N        endpoint port of the embedded stack (default 4566; 0 picks a free port)
  --data-dir DIR  persist the stack in DIR so counts survive restarts (default: a fresh temporary stack)
  --shards N      shards of the local stream (default 2)
  --input FILE    produce the lines of FILE instead of the bundled sample
  --no-malformed  do not produce the invalid-UTF-8 record that demonstrates the dead-letter path
  program         one of the seed programs (npm start -- list); default stateful-word-count (the only one with the options above but --port)`;

/**
 * Options of a run that reads no stdin and uses a stack it is given (the seed program runner and the
 * tests): the bundled sample on 2 shards with the malformed record, as `npm start` with no flags.
 *
 * @param overrides - what differs, e.g. `{ input: file, shards: 1 }`
 */
export function jobOptions(overrides: Partial<MainOptions> = {}): MainOptions {
  return {
    follow: false,
    port: 0,
    dataDir: undefined,
    shards: 2,
    input: undefined,
    malformedRecord: true,
    readStdin: false,
    ...overrides,
  };
}

/** Parses `argv` (without node and script); wrong input fails with the usage text. */
export function parseMainOptions(argv: readonly string[], stdinIsTerminal: boolean): MainOptions {
  let follow = false;
  let port = 4566;
  let dataDir: string | undefined;
  let shards = 2;
  let input: string | undefined;
  let malformedRecord = true;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    const value = (): string => {
      const next = argv[++i];
      if (next === undefined) throw new InvalidConfigurationError(`${arg} needs a value\n${USAGE}`);
      return next;
    };
    switch (arg) {
      case '--follow':
        follow = true;
        break;
      case '--port':
        port = integer(arg, value(), 0, 65535);
        break;
      case '--data-dir':
        dataDir = value();
        break;
      case '--shards':
        shards = integer(arg, value(), 1, 16);
        break;
      case '--input':
        input = value();
        break;
      case '--no-malformed':
        malformedRecord = false;
        break;
      case '--help':
      case '-h':
        throw new InvalidConfigurationError(USAGE);
      default:
        throw new InvalidConfigurationError(`unknown option ${JSON.stringify(arg)}\n${USAGE}`);
    }
  }
  return { follow, port, dataDir, shards, input, malformedRecord, readStdin: follow || !stdinIsTerminal };
}

function integer(name: string, raw: string, min: number, max: number): number {
  const n = Number(raw);
  if (!Number.isInteger(n) || n < min || n > max) {
    throw new InvalidConfigurationError(
      `${name} must be an integer between ${min} and ${max} inclusive (given ${raw})`,
    );
  }
  return n;
}
