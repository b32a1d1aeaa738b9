import { expect } from 'vitest';
import { WriteAheadLog } from '../../lib/checkpoint';
import {
  decodeUtf8,
  ManualClock,
  OutputMode,
  pipeline,
  type SourceRecord,
  slidingWindows,
  unwrapMapWithState,
  windowEndsContaining,
} from '../../lib/core';
import type { PartitionLedgerStore } from '../../lib/ledger';
import { BatchExecutor } from '../../lib/runtime';
import { ObjectStoreDeadLetterSink } from '../../lib/sinks';
import type { KeyedStateStore } from '../../lib/state';
import type { ObjectStore } from '../../lib/storage';
import { WindowFirer, type WindowProgressStore } from '../../lib/windows';
import { sequenceNumber } from '../factories/records';
import {
  FaultInjector,
  faultyLedgerStore,
  faultyObjectStore,
  faultyProgressStore,
  faultyStateStore,
} from './faulty-ports';
import { SeededRandom } from './random';
import { RevisionedTable } from './revisioned-table';

/** The durable stores a trial runs against (fresh, empty namespace per trial). */
export interface TrialStores {
  readonly namespace: string;
  /** Builds the state store over the object store its large states go to (the trial's crashing one). */
  readonly state: (largeStates: ObjectStore) => KeyedStateStore;
  readonly ledger: PartitionLedgerStore;
  readonly objects: ObjectStore;
  readonly progress: WindowProgressStore;
}

/** The size of a trial. */
export interface TrialShape {
  readonly partitions: number;
  readonly recordsPerPartition: number;
  readonly maxBatchSize: number;
}

/** What a trial observed, for assertions. */
export interface TrialReport {
  readonly seed: number;
  readonly crashes: number;
  readonly invocations: number;
  /** Reference word counts computed with plain loops over the generated input. */
  readonly expectedCounts: Record<string, number>;
  /** Word counts found in the state store at the end. */
  readonly actualCounts: Record<string, number>;
  /** Offsets (`partition:offset`) that must be dead-lettered, and those that were. */
  readonly expectedDeadLetters: string[];
  readonly actualDeadLetters: string[];
  /** Per partition: the last offset in the input, and the committed offset in the ledger. */
  readonly expectedCommitted: Record<string, string>;
  readonly actualCommitted: Record<string, string | undefined>;
  /** Batch ids whose contents differed between two attempts (must be empty). */
  readonly unstableBatchIds: string[];
  /** Records seen by foreachBatch in no batch or in more than one distinct batch (must be empty). */
  readonly batchCoverageErrors: string[];
  /** Per window end, the word counts of a plain loop over all good records, and those the pipeline fired. */
  readonly expectedWindows: Record<string, Record<string, number>>;
  readonly firedWindows: Record<string, Record<string, number>>;
  /** Windows whose results differed between two firings (must be empty). */
  readonly unstableWindows: string[];
  /** The output mode of the trial's result table: `update` or `complete`. */
  readonly tableMode: string;
  /** The same windows as a result table: per window end, each word's value at its highest revision. */
  readonly tableWindows: Record<string, Record<string, number>>;
  /** Rows of the same (window, word, revision) with different values (must be empty). */
  readonly revisionConflicts: string[];
  /** The `mapWithState` sessions' timeout (short: sessions end during the trial; long: only the final sweep ends them). */
  readonly sessionTimeoutMs: number;
  /** Per session word, its count in the input: plain loops over the generated input. */
  readonly expectedSessionTotals: Record<string, number>;
  /** Per session word, the sum of the counts its ended sessions emitted (must equal {@link expectedSessionTotals}). */
  readonly sessionTotals: Record<string, number>;
  /** Words whose running outputs are not exactly 1..n once for each ended session of n values (must be empty). */
  readonly sessionRunErrors: string[];
  /** Words still holding a session state after the final sweep (must be empty). */
  readonly liveSessions: string[];
  /** `(batch id, word)` whose outputs differed between two deliveries (must be empty). */
  readonly unstableSessionOutputs: string[];
  /** How sessions ended (informational): lazily in a batch, or by a sweep (during the trial or the final one). */
  readonly sessionEnds: { readonly lazily: number; readonly swept: number };
  /** States kept in the object store at the end (too large for their item), each read back by the scans above. */
  readonly largeStateObjects: number;
  /** How often the word longer than DynamoDB's key limits occurs in the input (its count is checked with the others). */
  readonly longWords: number;
}

/** What the trial's `mapWithState` emits: a running count per value, the session's count when it times out. */
type SessionOutput = readonly ['run' | 'end', string, number];

/** The trial's windows: 6 s sliding by 2 s, with enough lateness that no record of the trial is late. */
const TRIAL_WINDOWS = slidingWindows({ lengthMs: 6_000, slideMs: 2_000, allowedLatenessMs: 60_000 });
const TRIAL_START = 1_700_000_000_000;
/**
 * Failed attempts in a row, with fault injection off, after which a partition's consumer gives up:
 * such failures are not injected, so the store (or the code under test) is broken for good.
 */
const MAX_UNINJECTED_FAILURES = 10;

/** A word longer than DynamoDB's key limits (in some lines): its items are addressed by a hash of it. */
const LONG_WORD = `long${'o'.repeat(2_100)}ng`;
const VOCABULARY = ['spark', 'lambda', 'kinesis', 'state', 'window', 'shard', 'exactly', 'once'];
/** The words the `mapWithState` sessions count (half the vocabulary keeps the trial fast; keys stay shared by all partitions). */
const SESSION_WORDS: ReadonlySet<string> = new Set(['spark', 'lambda', 'kinesis', 'state', LONG_WORD]);
const encoder = new TextEncoder();

/**
 * One randomized fault-injection trial (DESIGN.md §3.1): generates text records on several
 * partitions sharing the same words, then consumes every partition concurrently the way
 * Lambda's event source mapping would, while the stores crash before and after writes:
 * same-batch retries, bisected halves, overlapping redeliveries, duplicate deliveries after
 * success, timeouts whose attempt keeps running beside its retry, and cold starts.
 */
export async function runTrial(seed: number, stores: TrialStores, shape: TrialShape): Promise<TrialReport> {
  const random = new SeededRandom(seed);
  const faults = new FaultInjector(random, 0.02 + random.next() * 0.08);
  const input = generateInput(random, shape);
  const observedBatches = new Map<string, string>();
  const unstableBatchIds: string[] = [];
  const trialPipeline = pipeline('fault-injection');
  const source = trialPipeline.fromKinesis();
  source.foreachBatch((records, context) => {
    const content = records.map((record) => `${record.partition}:${record.offset}`).join(',');
    const seen = observedBatches.get(context.batchId);
    if (seen === undefined) observedBatches.set(context.batchId, content);
    else if (seen !== content) unstableBatchIds.push(context.batchId);
  });
  const words = source
    .map((record) => decodeUtf8(record.value))
    .flatMap((line) => {
      if (line.includes('boom')) throw new Error('user code rejects boom');
      return line.split(' ');
    })
    .mapToPair((word) => [word, 1]);
  words
    .updateStateByKey<number>((values, state = 0) => values.reduce((a, b) => a + b, state), {
      name: 'counts',
    })
    .print();
  const firedWindows: Record<string, Record<string, number>> = {};
  const unstableWindows: string[] = [];
  words
    .reduceByKeyAndWindow((a, b) => a + b, TRIAL_WINDOWS, { name: 'windowed-counts', paneShards: 2 })
    .foreachBatch((pairs, context) => {
      const end = String(context.window?.end);
      const counts = Object.fromEntries(pairs);
      if (firedWindows[end] !== undefined && JSON.stringify(firedWindows[end]) !== JSON.stringify(counts)) {
        unstableWindows.push(end);
      }
      firedWindows[end] = counts;
    });
  // The same windows as a result table, in update or complete mode (one per trial keeps trials fast).
  const tableMode = random.chance(0.5) ? OutputMode.Update : OutputMode.Complete;
  const resultTable = new RevisionedTable();
  words
    .reduceByKeyAndWindow((a, b) => a + b, TRIAL_WINDOWS, {
      name: 'result-table',
      outputMode: tableMode,
      paneShards: random.int(1, 3),
    })
    .foreachBatch((rows) => resultTable.add(rows));
  const sessionTimeoutMs = random.chance(0.5) ? random.int(300, 1_500) : 600_000;
  const sessionOutputs = new Map<string, string>();
  const unstableSessionOutputs: string[] = [];
  words
    .filter(([word]) => SESSION_WORDS.has(word))
    .mapWithState<number, SessionOutput>(
      (word, one, state) => {
        if (state.isTimingOut()) return ['end', word, state.get()];
        const count = (state.getOption() ?? 0) + (one ?? 0);
        state.update(count);
        return ['run', word, count];
      },
      { name: 'sessions', timeoutMs: sessionTimeoutMs },
    )
    .foreachBatch((outputs, context) => {
      // An idempotent sink keyed by (batch id, word): the first delivery is kept; later ones must agree.
      const byWord = new Map<string, SessionOutput[]>();
      for (const output of outputs) byWord.set(output[1], [...(byWord.get(output[1]) ?? []), output]);
      for (const [word, list] of byWord) {
        const id = `${context.batchId}|${word}`;
        const content = JSON.stringify(list);
        const kept = sessionOutputs.get(id);
        if (kept === undefined) sessionOutputs.set(id, content);
        else if (kept !== content) unstableSessionOutputs.push(id);
      }
    });

  const faultyObjects = faultyObjectStore(stores.objects, faults);
  const state = stores.state(faultyObjects);
  const clock = new ManualClock(TRIAL_START);
  const newFirer = () =>
    new WindowFirer({
      pipeline: trialPipeline,
      namespace: stores.namespace,
      ledger: faultyLedgerStore(stores.ledger, faults),
      progress: faultyProgressStore(stores.progress, faults),
      state: faultyStateStore(state, faults),
      deadLetters: new ObjectStoreDeadLetterSink(faultyObjects, stores.namespace),
      clock,
      idleTimeoutMs: 3_600_000,
      print: () => undefined,
    });
  let invocations = 0;
  const newExecutor = () =>
    new BatchExecutor({
      pipeline: trialPipeline,
      namespace: stores.namespace,
      state: faultyStateStore(state, faults),
      ledger: faultyLedgerStore(stores.ledger, faults),
      writeAheadLog: new WriteAheadLog(faultyObjects, stores.namespace),
      deadLetters: new ObjectStoreDeadLetterSink(faultyObjects, stores.namespace),
      print: () => undefined,
      stateWriteConcurrency: random.int(1, 8),
      clock,
      windowProgress: faultyProgressStore(stores.progress, faults),
      windowFirer: newFirer(),
    });
  const zombies: Promise<unknown>[] = [];

  const consume = async (partition: string, records: readonly SourceRecord[]) => {
    let executor = newExecutor();
    let position = 0;
    let nextSize = random.int(1, shape.maxBatchSize);
    let uninjectedFailures = 0;
    while (position < records.length) {
      if (++invocations > 400) faults.enabled = false;
      clock.advance(50);
      if (random.chance(0.1))
        zombies.push(
          newFirer()
            .fire()
            .catch(() => undefined),
        );
      const overlap = position > 0 && random.chance(0.1) ? random.int(1, Math.min(position, 4)) : 0;
      const batch = records.slice(position - overlap, position + nextSize);
      const attempt = executor.processPartition(partition, batch);
      if (faults.enabled && random.chance(0.05)) {
        zombies.push(attempt.catch(() => undefined));
        executor = newExecutor();
        continue;
      }
      try {
        await attempt;
        position += batch.length - overlap;
        uninjectedFailures = 0;
        nextSize = random.int(1, shape.maxBatchSize);
        if (random.chance(0.1))
          await newExecutor()
            .processPartition(partition, batch)
            .catch(() => undefined);
      } catch (error) {
        if (!faults.enabled && ++uninjectedFailures >= MAX_UNINJECTED_FAILURES) {
          throw new Error(
            `partition ${partition}: ${uninjectedFailures} attempts in a row failed with no injected fault; last error: ${errorMessage(error)}`,
            { cause: error },
          );
        }
        if (random.chance(0.5)) executor = newExecutor();
        if (random.chance(0.5)) nextSize = Math.max(1, Math.ceil(batch.length / 2));
        // Lambda's retry backoff: the open batch is replayed seconds later, with its old batch time.
        if (random.chance(0.3)) clock.advance(random.int(500, 3_000));
      }
    }
  };
  // Every consumer ends (done, or given up on a lasting error) before the trial reports the first failure.
  const consumed = await Promise.allSettled(
    [...input.byPartition].map(([partition, records]) => consume(partition, records)),
  );
  await Promise.all(zombies);
  const failed = consumed.find((outcome) => outcome.status === 'rejected');
  if (failed !== undefined) throw failed.reason;
  // Past every timeout: concurrent sweeps that may crash half-way, then a clean one that must finish their work.
  clock.advance(2 * 3_600_000);
  faults.enabled = true;
  await Promise.all(
    Array.from({ length: random.int(0, 3) }, () =>
      newFirer()
        .fire()
        .catch(() => undefined),
    ),
  );
  faults.enabled = false;
  await newFirer().fire();
  const sessions = sessionReport(sessionOutputs);

  return {
    seed,
    crashes: faults.crashes,
    invocations,
    expectedCounts: input.expectedCounts,
    actualCounts: Object.fromEntries(
      [...(await state.scan('counts'))].map(([keyId, count]) => [
        JSON.parse(keyId) as string,
        count as number,
      ]),
    ),
    expectedDeadLetters: input.poison.sort(),
    actualDeadLetters: await deadLetteredRecords(stores),
    expectedCommitted: Object.fromEntries(
      [...input.byPartition].map(([partition, records]) => [
        partition,
        records[records.length - 1]?.offset ?? '',
      ]),
    ),
    actualCommitted: Object.fromEntries(
      await Promise.all(
        [...input.byPartition.keys()].map(async (partition) => {
          const ledger = await stores.ledger.read(partition);
          return [partition, ledger.committedOffsetKey?.slice(3)] as const;
        }),
      ),
    ),
    unstableBatchIds,
    batchCoverageErrors: coverageErrors(input, observedBatches),
    expectedWindows: input.expectedWindows,
    firedWindows,
    unstableWindows,
    tableMode,
    tableWindows: resultTable.windows(),
    revisionConflicts: resultTable.revisionConflicts,
    sessionTimeoutMs,
    expectedSessionTotals: Object.fromEntries(
      Object.entries(input.expectedCounts).filter(([word]) => SESSION_WORDS.has(word)),
    ),
    sessionTotals: sessions.totals,
    sessionRunErrors: sessions.runErrors,
    liveSessions: [...(await state.scan('sessions'))]
      .filter(([, stored]) => unwrapMapWithState(stored).exists)
      .map(([keyId]) => keyId),
    unstableSessionOutputs,
    sessionEnds: sessions.ends,
    largeStateObjects: (await stores.objects.list(`state/${stores.namespace}/`)).length,
    longWords: input.expectedCounts[LONG_WORD] ?? 0,
  };
}

function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/**
 * Checks the sessions against the only batching-independent truth there is: every value is counted
 * in exactly one session, so a word's ended sessions sum to its count, and its running outputs are
 * 1..n exactly once for each session of n values.
 */
function sessionReport(outputs: ReadonlyMap<string, string>): {
  totals: Record<string, number>;
  runErrors: string[];
  ends: { lazily: number; swept: number };
} {
  const ends = new Map<string, number[]>();
  const runs = new Map<string, number[]>();
  const endsBy = { lazily: 0, swept: 0 };
  for (const [id, content] of outputs) {
    for (const [kind, word, count] of JSON.parse(content) as SessionOutput[]) {
      const into = kind === 'end' ? ends : runs;
      into.set(word, [...(into.get(word) ?? []), count]);
      if (kind === 'end') endsBy[id.includes('@timeout@') ? 'swept' : 'lazily']++;
    }
  }
  const totals: Record<string, number> = {};
  const runErrors: string[] = [];
  for (const word of new Set([...ends.keys(), ...runs.keys()])) {
    const sessions = ends.get(word) ?? [];
    totals[word] = sessions.reduce((sum, n) => sum + n, 0);
    const expected = sessions
      .flatMap((n) => Array.from({ length: n }, (_, i) => i + 1))
      .sort((a, b) => a - b);
    const actual = [...(runs.get(word) ?? [])].sort((a, b) => a - b);
    if (JSON.stringify(actual) !== JSON.stringify(expected))
      runErrors.push(`${word}: runs ${actual.join(',')} for sessions ${sessions.join(',')}`);
  }
  return { totals, runErrors, ends: endsBy };
}

interface TrialInput {
  readonly byPartition: Map<string, SourceRecord[]>;
  readonly expectedCounts: Record<string, number>;
  readonly expectedWindows: Record<string, Record<string, number>>;
  readonly poison: string[];
}

function generateInput(random: SeededRandom, shape: TrialShape): TrialInput {
  const byPartition = new Map<string, SourceRecord[]>();
  const expectedCounts: Record<string, number> = {};
  const expectedWindows: Record<string, Record<string, number>> = {};
  const poison: string[] = [];
  for (let p = 0; p < shape.partitions; p++) {
    const partition = `shardId-00000000000${p}`;
    const records: SourceRecord[] = [];
    for (let n = 0; n < shape.recordsPerPartition; n++) {
      const offset = sequenceNumber(n * 7 + p);
      const arrivalTime = TRIAL_START + n * 700 + random.int(-1_500, 1_500);
      const roll = random.next();
      let value: Uint8Array;
      if (roll < 0.03) {
        value = new Uint8Array([0xc3, 0x28, 0xff]);
        poison.push(`${partition}:${offset}`);
      } else if (roll < 0.06) {
        value = encoder.encode(`spark boom ${random.pick(VOCABULARY)}`);
        poison.push(`${partition}:${offset}`);
      } else {
        const words = Array.from({ length: random.int(1, 5) }, () => random.pick(VOCABULARY));
        if (random.chance(0.04)) words.push(LONG_WORD);
        for (const word of words) expectedCounts[word] = (expectedCounts[word] ?? 0) + 1;
        for (const end of windowEndsContaining(TRIAL_WINDOWS, arrivalTime)) {
          const window = expectedWindows[String(end)] ?? {};
          for (const word of words) window[word] = (window[word] ?? 0) + 1;
          expectedWindows[String(end)] = window;
        }
        value = encoder.encode(words.join(' '));
      }
      records.push({ partition, offset, key: `k${n}`, value, arrivalTime });
    }
    byPartition.set(partition, records);
  }
  return { byPartition, expectedCounts, expectedWindows, poison };
}

async function deadLetteredRecords(stores: TrialStores): Promise<string[]> {
  const sink = new ObjectStoreDeadLetterSink(stores.objects, stores.namespace);
  const keys = await stores.objects.list(sink.prefix);
  const entries = await Promise.all(
    keys.map(
      async (key) =>
        JSON.parse(new TextDecoder().decode(await stores.objects.get(key))) as Record<string, string>,
    ),
  );
  return entries.map((entry) => `${entry.partition}:${entry.offset}`).sort();
}

function coverageErrors(input: TrialInput, observed: ReadonlyMap<string, string>): string[] {
  const seenIn = new Map<string, number>();
  for (const content of observed.values()) {
    for (const id of content.split(',').filter((part) => part !== ''))
      seenIn.set(id, (seenIn.get(id) ?? 0) + 1);
  }
  const poison = new Set(input.poison);
  const errors: string[] = [];
  for (const records of input.byPartition.values()) {
    for (const record of records) {
      const id = `${record.partition}:${record.offset}`;
      const expected = poison.has(id) ? 0 : 1;
      if ((seenIn.get(id) ?? 0) !== expected) errors.push(`${id} seen in ${seenIn.get(id) ?? 0} batches`);
    }
  }
  return errors;
}

/** Asserts every invariant a trial checks, naming the seed so a failure can be replayed. */
export function expectInvariantsHeld(report: TrialReport): void {
  const { seed } = report;
  expect({ seed, counts: report.actualCounts }).toEqual({ seed, counts: report.expectedCounts });
  expect({ seed, deadLetters: report.actualDeadLetters }).toEqual({
    seed,
    deadLetters: report.expectedDeadLetters,
  });
  expect({ seed, committed: report.actualCommitted }).toEqual({ seed, committed: report.expectedCommitted });
  expect({ seed, unstable: report.unstableBatchIds }).toEqual({ seed, unstable: [] });
  expect({ seed, coverage: report.batchCoverageErrors }).toEqual({ seed, coverage: [] });
  expect({ seed, windows: report.firedWindows }).toEqual({ seed, windows: report.expectedWindows });
  expect({ seed, unstableWindows: report.unstableWindows }).toEqual({ seed, unstableWindows: [] });
  const { tableMode } = report;
  expect({ seed, tableMode, table: report.tableWindows }).toEqual({
    seed,
    tableMode,
    table: report.expectedWindows,
  });
  expect({ seed, tableMode, conflicts: report.revisionConflicts }).toEqual({
    seed,
    tableMode,
    conflicts: [],
  });
  const timeoutMs = report.sessionTimeoutMs;
  expect({ seed, timeoutMs, sessionTotals: report.sessionTotals }).toEqual({
    seed,
    timeoutMs,
    sessionTotals: report.expectedSessionTotals,
  });
  expect({ seed, timeoutMs, sessionRuns: report.sessionRunErrors }).toEqual({
    seed,
    timeoutMs,
    sessionRuns: [],
  });
  expect({ seed, liveSessions: report.liveSessions }).toEqual({ seed, liveSessions: [] });
  expect({ seed, unstableSessions: report.unstableSessionOutputs }).toEqual({ seed, unstableSessions: [] });
}
