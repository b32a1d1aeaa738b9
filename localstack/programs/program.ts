import { MemoryMetricsSink } from '../../lib/metrics';

/** What a local program run gets: the stack to deploy on and where to write. */
export interface ProgramContext {
  /** The local stack endpoint. */
  readonly endpoint: string;
  readonly region: string;
  /** Narration (what is produced, what was verified). */
  readonly log: (line: string) => void;
  /** Spark-style print blocks of the pipeline. */
  readonly print: (block: string) => void;
}

/** What a program observed, and what differed from the plain-loop reference of its input. */
export interface ProgramOutcome {
  /** Human-readable differences between the outputs and the reference; empty when verified. */
  readonly problems: readonly string[];
  /** Records too late for every window (windowed programs). */
  readonly lateRecords: number;
  /** Dead-lettered records. */
  readonly deadLetters: number;
  /** Batches processed. */
  readonly batches: number;
}

/** A seed program runnable on the local stack by name (`npm start -- <name>`). */
export interface LocalProgram {
  readonly name: string;
  readonly description: string;
  /** Deploys the program, feeds its generated input, waits for the results and checks them. */
  run(context: ProgramContext): Promise<ProgramOutcome>;
}

/** Collects print blocks (for verification) while passing them on. */
export function teePrint(context: ProgramContext): { blocks: string[]; print: (block: string) => void } {
  const blocks: string[] = [];
  return {
    blocks,
    print: (block) => {
      blocks.push(block);
      context.print(block);
    },
  };
}

/** Sums what the metrics saw. */
export function summarize(
  metrics: MemoryMetricsSink,
  problems: readonly string[],
  deadLetters: number,
): ProgramOutcome {
  return {
    problems,
    lateRecords: metrics.batches.reduce((sum, batch) => sum + batch.lateRecords, 0),
    deadLetters,
    batches: metrics.batches.length,
  };
}

/** Differences between two count maps, for problem reports. */
export function diffCounts(
  what: string,
  expected: ReadonlyMap<string, number>,
  actual: ReadonlyMap<string, number>,
): string[] {
  const keys = [...new Set([...expected.keys(), ...actual.keys()])].sort();
  return keys
    .filter((key) => expected.get(key) !== actual.get(key))
    .map((key) => `${what} ${key}: expected ${expected.get(key) ?? 0}, got ${actual.get(key) ?? 0}`);
}

/** Parses Spark's `(key,count)` lines. */
export function parsePairLine(line: string): [string, number] {
  const match = /^\((.*),(-?\d+)\)$/.exec(line);
  if (match === null) throw new Error(`not a (key,count) line: ${line}`);
  return [match[1] ?? '', Number(match[2])];
}

/** Lets the local stack run with the SDK's default clients too (user code such as a result-table sink). */
export function useLocalStackForDefaultClients(context: ProgramContext): void {
  process.env.AWS_ENDPOINT_URL = context.endpoint;
  process.env.AWS_REGION = context.region;
  process.env.AWS_ACCESS_KEY_ID ??= 'test';
  process.env.AWS_SECRET_ACCESS_KEY ??= 'test';
}

export { MemoryMetricsSink };
