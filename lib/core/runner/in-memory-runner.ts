import { InvalidConfigurationError } from '../errors';
import type { DeadLetter } from '../evaluation/dead-letter';
import { evaluateBatch, type LateElement } from '../evaluation/evaluate-batch';
import { encodeOffsetKey } from '../offsets';
import type { Pipeline } from '../pipeline/pipeline';
import type { InputRecord, SourceRecord } from '../records';
import { StaticReferenceResolver } from '../reference';
import { type Clock, ManualClock } from '../time';
import { MapStateBackend } from './map-state-backend';
import { userStates } from './user-states';

/** Options of {@link InMemoryRunner}. */
export interface InMemoryRunnerOptions {
  /**
   * The clock that stamps batch times.
   *
   * @default a `ManualClock` starting at 0 and advanced by `batchInterval` after every batch
   */
  readonly clock?: Clock;
  /**
   * Milliseconds the default manual clock advances after each batch (Spark's batch duration).
   *
   * @default 1000
   */
  readonly batchIntervalMs?: number;
  /**
   * Values of the pipeline's reference data, by name (loaded JSON, before `parse`).
   *
   * @default none: only reference data with a `static` source resolves
   */
  readonly references?: ReadonlyMap<string, unknown>;
}

/**
 * Runs a whole pipeline in memory, batch by batch, like Beam's DirectRunner or Kafka
 * Streams' TopologyTestDriver: for unit tests of pipelines and as the reference semantics.
 *
 * @example
 * const runner = new InMemoryRunner(wordCount);
 * await runner.runBatch([textRecord('a b a')]);
 * runner.printed; // ['-----…\nTime: 0 ms\n-----…\n(a,2)\n(b,1)\n']
 */
export class InMemoryRunner {
  /** Every `print` block, in order. */
  public readonly printed: string[] = [];
  /** Every dead letter, in order. */
  public readonly deadLetters: DeadLetter[] = [];
  /** Every element that was late for all its windows (update-mode windows), in order. */
  public readonly late: LateElement[] = [];
  /** Every object `saveAsTextFiles` wrote, by path. */
  public readonly textFiles = new Map<string, string>();
  private readonly state = new MapStateBackend();
  private readonly clock: Clock;
  private readonly advance: () => void;
  private readonly batchNumbers = new Map<string, number>();
  /** Per partition, the latest event time that reached a windowed operator (its event-time clock). */
  private readonly eventTimeClocks = new Map<string, number>();
  private readonly references: StaticReferenceResolver;

  /**
   * @throws {@link InvalidConfigurationError} when the pipeline has a `mapWithState` with a timeout or
   * an append-mode window: timeouts and window firings need the scheduled trigger and the watermark,
   * which only `createInMemoryRuntime` runs
   */
  public constructor(
    private readonly pipeline: Pipeline,
    options: InMemoryRunnerOptions = {},
  ) {
    const timeouts = pipeline.timeoutNodes[0];
    if (timeouts !== undefined) {
      throw new InvalidConfigurationError(
        `InMemoryRunner cannot run pipeline ${pipeline.name}: mapWithState ${timeouts.operatorId} has a timeout, and timeouts of idle keys need the scheduled sweep, which InMemoryRunner does not have; test it with createInMemoryRuntime (lib/runtime) and a ManualClock, or drop timeoutMs`,
      );
    }
    const fired = pipeline.firedWindowNodes[0];
    if (fired !== undefined) {
      throw new InvalidConfigurationError(
        `InMemoryRunner cannot run pipeline ${pipeline.name}: ${fired.operatorId} is an append-mode window, whose windows fire when the watermark passes them, which InMemoryRunner does not track; test it with createInMemoryRuntime (lib/runtime) and a ManualClock, or use outputMode update or complete`,
      );
    }
    const manual = new ManualClock(0);
    this.clock = options.clock ?? manual;
    const interval = options.batchIntervalMs ?? 1000;
    this.advance = options.clock === undefined ? () => manual.advance(interval) : () => undefined;
    this.references = new StaticReferenceResolver(options.references);
  }

  /** Evaluates one batch of records (all from one partition, in offset order). */
  public async runBatch(records: readonly SourceRecord[]): Promise<void> {
    const first = records[0];
    const last = records[records.length - 1];
    const partition = first?.partition ?? 'partition-0';
    const batchNumber = this.batchNumbers.get(partition) ?? 0;
    this.batchNumbers.set(partition, batchNumber + 1);
    const inputs: InputRecord[] = records.map((record) => ({
      ...record,
      offsetKey: encodeOffsetKey(record.offset),
    }));
    const result = await evaluateBatch(
      this.pipeline,
      {
        context: {
          batchId: `${partition}/${batchNumber}`,
          batchNumber,
          batchTime: this.clock.now(),
          partition,
          firstOffset: first?.offset ?? '0',
          lastOffset: last?.offset ?? '0',
        },
        records: inputs,
        eventTimeClock: this.eventTimeClocks.get(partition) ?? Number.NEGATIVE_INFINITY,
      },
      {
        state: this.state,
        print: (block) => this.printed.push(block),
        references: this.references,
        textFiles: { write: async (path, text) => void this.textFiles.set(path, text) },
      },
    );
    this.deadLetters.push(...result.deadLetters);
    this.late.push(...result.late);
    if (result.maxEventTime !== undefined)
      this.eventTimeClocks.set(
        partition,
        Math.max(result.maxEventTime, this.eventTimeClocks.get(partition) ?? -Infinity),
      );
    this.advance();
  }

  /** The live state of a stateful operator as a map from key to state (the user's state for `mapWithState`). */
  public stateOf(operatorId: string): Map<unknown, unknown> {
    return userStates(this.pipeline, operatorId, this.state.snapshot(operatorId));
  }
}
