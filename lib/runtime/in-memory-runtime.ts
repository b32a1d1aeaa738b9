import { WriteAheadLog } from '../checkpoint';
import { type Clock, type Pipeline, type SourceRecord, StaticReferenceResolver, userStates } from '../core';
import { MemoryPartitionLedgerStore } from '../ledger';
import { MemoryMetricsSink } from '../metrics';
import { MemoryProgressStore } from '../progress';
import { MemoryDeadLetterSink } from '../sinks';
import { MemoryKeyedStateStore } from '../state';
import { MemoryObjectStore } from '../storage';
import { MemoryWindowProgressStore, WindowFirer } from '../windows';
import { BatchExecutor, type PartitionResult } from './batch-executor';

/** Options of {@link createInMemoryRuntime}. */
export interface InMemoryRuntimeOptions {
  /** The clock for batch times and idleness (use a `ManualClock` in tests). */
  readonly clock: Clock;
  /**
   * Idle timeout of the watermark.
   *
   * @default 60000
   */
  readonly idleTimeoutMs?: number;
  /**
   * Values of reference data by name.
   *
   * @default none: only `static` sources resolve
   */
  readonly references?: ReadonlyMap<string, unknown>;
}

/**
 * The production executor and window firer over the in-memory twins of every store: a whole
 * pipeline, windows, `mapWithState` timeouts and exactly-once protocol included, in a unit test.
 *
 * @example
 * const runtime = createInMemoryRuntime(windowHotWord, { clock: new ManualClock(0) });
 * await runtime.process('shard-0', records);
 * await runtime.fire();
 */
export function createInMemoryRuntime(pipeline: Pipeline, options: InMemoryRuntimeOptions) {
  const namespace = pipeline.name;
  const objects = new MemoryObjectStore();
  const state = new MemoryKeyedStateStore({ namespace, largeStates: objects });
  const ledger = new MemoryPartitionLedgerStore();
  const progress = new MemoryWindowProgressStore();
  const deadLetters = new MemoryDeadLetterSink();
  const lateData = new MemoryDeadLetterSink();
  const metrics = new MemoryMetricsSink();
  const progressRecords = new MemoryProgressStore();
  const printed: string[] = [];
  const textFiles = new Map<string, string>();
  const resolver = new StaticReferenceResolver(options.references);
  const ports = {
    print: (block: string) => void printed.push(block),
    references: { current: async () => resolver },
    textFiles: { write: async (path: string, text: string) => void textFiles.set(path, text) },
  };
  const firer = new WindowFirer({
    pipeline,
    namespace,
    ledger,
    progress,
    state,
    deadLetters,
    clock: options.clock,
    ...(options.idleTimeoutMs === undefined ? {} : { idleTimeoutMs: options.idleTimeoutMs }),
    ...ports,
  });
  const executor = new BatchExecutor({
    pipeline,
    namespace,
    state,
    ledger,
    writeAheadLog: new WriteAheadLog(objects, namespace),
    deadLetters,
    lateData,
    metrics,
    clock: options.clock,
    windowProgress: progress,
    windowFirer: firer,
    progress: progressRecords,
    ...ports,
  });
  return {
    executor,
    firer,
    stores: { state, ledger, objects, progress },
    deadLetters,
    lateData,
    metrics,
    /** Every batch's progress record and every failure event. */
    progressRecords,
    printed,
    textFiles,
    /** Processes one partition's delivery. */
    process: (partition: string, records: readonly SourceRecord[]): Promise<PartitionResult> =>
      executor.processPartition(partition, records),
    /** Fires due windows and sweeps due `mapWithState` timeouts (the scheduled trigger); returns the windows. */
    fire: () => firer.fire(),
    /** The scheduled trigger: fires due windows and sweeps due `mapWithState` timeouts; returns both. */
    tick: () => firer.tick(),
    /** The live states of a stateful operator by key (for `mapWithState`: the user's states). */
    stateOf: async (operatorId: string): Promise<Map<unknown, unknown>> =>
      userStates(pipeline, operatorId, await state.scan(operatorId)),
  };
}
