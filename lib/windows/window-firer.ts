import {
  type Clock,
  describeError,
  evaluateWindowFiring,
  type PaneItem,
  paneGroup,
  panesOfWindow,
  parsePaneItemKey,
  type Pipeline,
  type TextFileSink,
  type WindowedNode,
  windowEndsOfPane,
} from '../core';
import { eventTimeClock, type PartitionLedgerStore } from '../ledger';
import { FencedStateBackend } from '../runtime/fenced-state-backend';
import type { ReferenceProvider } from '../runtime/reference-provider';
import { printToStdout, sendDeadLetters } from '../runtime/dead-letters';
import type { DeadLetterSink } from '../sinks';
import type { KeyedStateStore } from '../state';
import { type SweptBucket, TimeoutSweeper } from './timeout-sweeper';
import { isActive, watermarkClock } from './watermark';
import type { WindowProgressStore } from './window-progress-store';

/** Options of {@link WindowFirer}. */
export interface WindowFirerOptions {
  readonly pipeline: Pipeline;
  readonly namespace: string;
  readonly ledger: PartitionLedgerStore;
  readonly progress: WindowProgressStore;
  readonly state: KeyedStateStore;
  readonly deadLetters: DeadLetterSink;
  readonly clock: Clock;
  /**
   * A partition without a claimed batch and without activity for this long no longer holds the watermark back.
   *
   * @default 60000
   */
  readonly idleTimeoutMs?: number;
  /**
   * Where `print` blocks of fired windows go.
   *
   * @default process.stdout
   */
  readonly print?: (block: string) => void;
  /** @default none */
  readonly references?: ReferenceProvider;
  /** @default none */
  readonly textFiles?: TextFileSink;
  /**
   * Lifetime in seconds of the tombstone of a key removed by a `mapWithState` timeout.
   *
   * @default 604800 (7 days)
   */
  readonly tombstoneTtlSeconds?: number;
}

/** What one run of the scheduled trigger did. */
export interface TriggerResult {
  /** The windows that fired. */
  readonly windows: FiredWindow[];
  /** The `mapWithState` timer buckets that were swept. */
  readonly timeouts: SweptBucket[];
}

/** A window that fired. */
export interface FiredWindow {
  readonly operatorId: string;
  readonly end: number;
  readonly keys: number;
}

/**
 * The scheduled trigger's work: fires the windows the watermark has passed, for every windowed
 * operator of a pipeline, then sweeps the idle keys of `mapWithState` operators with a timeout
 * ({@link TimeoutSweeper}). Called after every committed batch and by the scheduled trigger (so
 * windows of an idle stream fire and idle keys time out too).
 *
 * Exactly-once effect, without transactions:
 * 1. the watermark is the minimum event-time clock over active partitions (ledgers);
 * 2. before firing up to window end `e`, the namespace floor for new partitions and the floor
 *    of every idle partition are raised to `e + lateness` (idle ones by compare-and-set on their
 *    ledger, which fails if the partition claims a batch meanwhile); so any record that could
 *    still reach a fired window is late wherever it arrives;
 * 3. a window's result is computed from its panes (final by then), its outputs get the batch id
 *    `<operator>@<end>`, and only then the frontier moves past it. A crash before that fires
 *    it again with identical results.
 */
export class WindowFirer {
  private readonly options: WindowFirerOptions;
  private readonly idleTimeoutMs: number;
  private readonly sweeper: TimeoutSweeper | undefined;

  public constructor(options: WindowFirerOptions) {
    this.options = options;
    this.idleTimeoutMs = options.idleTimeoutMs ?? 60_000;
    this.sweeper =
      options.pipeline.timeoutNodes.length === 0
        ? undefined
        : new TimeoutSweeper({
            pipeline: options.pipeline,
            namespace: options.namespace,
            progress: options.progress,
            state: options.state,
            deadLetters: options.deadLetters,
            clock: options.clock,
            ...(options.print === undefined ? {} : { print: options.print }),
            ...(options.references === undefined ? {} : { references: options.references }),
            ...(options.textFiles === undefined ? {} : { textFiles: options.textFiles }),
            ...(options.tombstoneTtlSeconds === undefined
              ? {}
              : { tombstoneTtlSeconds: options.tombstoneTtlSeconds }),
          });
  }

  /** Fires every due window and sweeps due `mapWithState` timeouts (see {@link tick}); returns the windows that fired. */
  public async fire(): Promise<FiredWindow[]> {
    return (await this.tick()).windows;
  }

  /**
   * Fires every due window, then sweeps due `mapWithState` timeouts; returns both. A failure of one
   * does not keep the other from running; the first failure is thrown after both ran.
   */
  public async tick(): Promise<TriggerResult> {
    const fireWindows = async () => {
      const fired: FiredWindow[] = [];
      for (const node of this.options.pipeline.firedWindowNodes)
        fired.push(...(await this.fireOperator(node)));
      return fired;
    };
    const windows = await settle(fireWindows());
    const timeouts = await settle(this.sweepTimeouts());
    if (!windows.ok) throw windows.error;
    if (!timeouts.ok) throw timeouts.error;
    return { windows: windows.value, timeouts: timeouts.value };
  }

  /** Sweeps the due timer buckets of `mapWithState` operators with a timeout (none without). */
  public async sweepTimeouts(): Promise<SweptBucket[]> {
    return this.sweeper === undefined ? [] : this.sweeper.sweep();
  }

  private async fireOperator(node: WindowedNode): Promise<FiredWindow[]> {
    const { progress, ledger, clock } = this.options;
    const lateness = node.spec.allowedLatenessMs;
    const state = await progress.read(node.operatorId);
    if (state.panes.length === 0) return [];
    const frontier = state.frontier ?? Number.NEGATIVE_INFINITY;
    const watermark = watermarkClock(await ledger.readAll(), clock.now(), this.idleTimeoutMs) - lateness;
    let due = this.dueEnds(node, state.panes, frontier, watermark);
    if (due.length === 0) return [];

    const target = (due.at(-1) as number) + lateness;
    await progress.raiseClockFloor(target);
    const now = clock.now();
    for (const [partition, entry] of await ledger.readAll()) {
      const partitionClock = eventTimeClock(entry);
      if (partitionClock >= target) continue;
      if (isActive(entry, now, this.idleTimeoutMs)) {
        due = due.filter((end) => end <= partitionClock - lateness);
        continue;
      }
      const raised = await ledger.write(
        partition,
        { ...entry, version: entry.version + 1, eventTimeFloor: target },
        entry.version,
      );
      if (!raised) return [];
    }

    const fired: FiredWindow[] = [];
    const groupCache = new Map<string, Promise<PaneItem[]>>();
    const indexed = new Set(state.panes);
    for (const end of due) {
      const items = (await this.paneItems(node, indexed, end, groupCache)).filter(
        (item) => item.bucket <= end,
      );
      if (items.length > 0) {
        await this.fireWindow(node, end, items);
        fired.push({ operatorId: node.operatorId, end, keys: new Set(items.map((item) => item.keyId)).size });
      }
      await progress.advanceFrontier(node.operatorId, end);
    }
    const newFrontier = due.at(-1) ?? frontier;
    const done = state.panes.filter((pane) => (windowEndsOfPane(node.spec, pane).at(-1) ?? 0) <= newFrontier);
    await progress.removePanes(node.operatorId, done);
    return fired;
  }

  /** Ends of windows that contain an indexed pane, lie after the frontier and at or before the watermark. */
  private dueEnds(
    node: WindowedNode,
    panes: readonly number[],
    frontier: number,
    watermark: number,
  ): number[] {
    const ends = new Set<number>();
    for (const pane of panes) {
      for (const end of windowEndsOfPane(node.spec, pane))
        if (end > frontier && end <= watermark) ends.add(end);
    }
    return [...ends].sort((a, b) => a - b);
  }

  /**
   * The pane items of a window. Consecutive windows share panes, so one firing round reads each
   * pane group once (`cache`): the cost of a round grows with the panes it covers, not with
   * windows x panes.
   */
  private async paneItems(
    node: WindowedNode,
    indexed: ReadonlySet<number>,
    end: number,
    cache: Map<string, Promise<PaneItem[]>>,
  ): Promise<PaneItem[]> {
    const panes = panesOfWindow(node.spec, end).filter((pane) => indexed.has(pane));
    const groups = panes.flatMap((pane) =>
      Array.from({ length: node.paneShards }, (_, shard) => paneGroup(pane, shard)),
    );
    const results = await Promise.all(
      groups.map((group) => {
        let items = cache.get(group);
        if (items === undefined) {
          items = this.readGroup(node, group);
          cache.set(group, items);
        }
        return items;
      }),
    );
    return results.flat();
  }

  private async readGroup(node: WindowedNode, group: string): Promise<PaneItem[]> {
    const items: PaneItem[] = [];
    for (const [itemKey, stored] of await this.options.state.queryGroup(node.operatorId, group)) {
      if (stored.value !== undefined) items.push({ ...parsePaneItemKey(itemKey), accumulator: stored.value });
    }
    return items;
  }

  private async fireWindow(node: WindowedNode, end: number, items: readonly PaneItem[]): Promise<void> {
    const { pipeline, namespace, clock } = this.options;
    const evaluation = await evaluateWindowFiring(
      pipeline,
      { node, window: { start: end - node.spec.lengthMs, end }, items },
      {
        state: new FencedStateBackend({
          store: this.options.state,
          now: () => clock.now(),
          tombstoneTtlSeconds: this.options.tombstoneTtlSeconds,
        }),
        print: this.options.print ?? printToStdout,
        ...(this.options.references === undefined
          ? {}
          : { references: await this.options.references.current() }),
        ...(this.options.textFiles === undefined ? {} : { textFiles: this.options.textFiles }),
      },
    );
    await sendDeadLetters(this.options.deadLetters, evaluation.deadLetters, {
      pipeline: pipeline.name,
      namespace,
      batchId: `${node.operatorId}@${end}`,
      batchNumber: Math.floor(end / node.spec.slideMs),
      partition: `window-${node.operatorId}`,
    });
  }
}

/** The outcome of a promise, without throwing. */
async function settle<T>(
  promise: Promise<T>,
): Promise<{ readonly ok: true; readonly value: T } | { readonly ok: false; readonly error: unknown }> {
  try {
    return { ok: true, value: await promise };
  } catch (error) {
    return { ok: false, error };
  }
}

/** Runs the firer (windows and timeouts), reporting (not throwing) a failure: after a committed batch the next trigger retries. */
export async function fireQuietly(firer: WindowFirer): Promise<void> {
  try {
    await firer.fire();
  } catch (error) {
    console.warn(
      JSON.stringify({
        level: 'WARN',
        message: 'window firing or timeout sweep failed; the next trigger retries',
        error: describeError(error),
      }),
    );
  }
}
