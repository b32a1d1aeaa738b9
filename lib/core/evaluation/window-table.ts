import { UserCodeError } from '../errors';
import { OutputMode, type WindowedNode } from '../pipeline/graph';
import {
  parseWindowItemKey,
  type Window,
  type WindowedRow,
  windowEndsContaining,
  windowItemExpiresAtSeconds,
  windowItemKey,
  windowTableGroup,
  windowTableGroups,
} from '../windows';
import { type DeadLetter, failedKeyDeadLetter } from './dead-letter';
import { type Element, mergeOrigins, type Origin, originRecords } from './element';
import { decodeKey } from './keys';
import type { KeyGroup, StateBackend, StatefulStep, StoredRevision } from './state-backend';

/** What the table step reports back to the evaluator. */
export interface WindowTableContext {
  readonly state: StateBackend;
  /** The batch's partition (the fencing marks are per partition). */
  readonly partition: string;
  /** Windows ending at or before this event time are closed (update mode; see `eventTimeClock`). */
  readonly closedUpTo: number;
  /** Sets aside an element or a failed key (the evaluator's dead letters). */
  readonly deadLetter: (deadLetter: DeadLetter) => void;
}

/** One input of a windowed operator, its key read. */
export interface WindowInput {
  readonly element: Element;
  readonly key: unknown;
  readonly keyId: string;
  readonly value: unknown;
}

interface TableGroup extends KeyGroup {
  readonly window: Window;
  readonly values: unknown[];
  readonly offsetKeys: string[];
  readonly origins: Origin[];
}

/**
 * The update and complete output modes: folds every input into the accumulator of each (window, key)
 * it belongs to, fenced like all state, then emits {@link WindowedRow}s: the current result of each
 * (window, key) the batch touched (update), or of every (window, key) stored (complete).
 *
 * @returns the rows, and the inputs that were late for all their windows (update mode only)
 */
export async function applyWindowTable(
  node: WindowedNode,
  inputs: readonly WindowInput[],
  context: WindowTableContext,
): Promise<{ readonly rows: Element[]; readonly late: WindowInput[] }> {
  const { spec } = node;
  const complete = node.outputMode === OutputMode.Complete;
  const groups = new Map<string, TableGroup>();
  const late: WindowInput[] = [];
  for (const input of inputs) {
    const ends = windowEndsContaining(spec, input.element.eventTime).filter(
      (end) => complete || end > context.closedUpTo,
    );
    if (ends.length === 0) late.push(input);
    for (const end of ends) {
      const itemKey = windowItemKey(end, input.keyId);
      let group = groups.get(itemKey);
      if (group === undefined) {
        group = {
          key: input.key,
          keyId: itemKey,
          window: { start: end - spec.lengthMs, end },
          values: [],
          offsetKeys: [],
          origins: [],
          ...(complete
            ? { storageGroup: windowTableGroup(itemKey, node.paneShards) }
            : { expiresAtSeconds: windowItemExpiresAtSeconds(spec, end) }),
        };
        groups.set(itemKey, group);
      }
      group.values.push(input.value);
      group.offsetKeys.push(input.element.origin.offsetKey);
      group.origins.push(input.element.origin);
    }
  }
  const outcomes = await context.state.apply(accumulatorStep(node, context.partition), [...groups.values()]);
  const current = new Map<string, StoredRevision>();
  for (const [itemKey, group] of groups) {
    const outcome = outcomes.get(itemKey);
    if (outcome?.kind === 'failed') {
      context.deadLetter(failedKeyDeadLetter(node.stage, outcome.error, group, group.offsetKeys));
    } else if (!complete && outcome?.state !== undefined) {
      current.set(itemKey, { state: outcome.state, revision: outcome.revision });
    }
  }
  if (complete) {
    const tables = await Promise.all(
      windowTableGroups(node.paneShards).map((group) => context.state.readGroup(node.operatorId, group)),
    );
    for (const table of tables) for (const [itemKey, stored] of table) current.set(itemKey, stored);
  }
  return { rows: toRows(node, current, groups, context), late };
}

/** The step that folds a windowed operator's values into its accumulators (panes or window items). */
export function accumulatorStep(node: WindowedNode, partition: string): StatefulStep {
  const { combineFn } = node;
  return {
    operatorId: node.operatorId,
    partition,
    update: (values, accumulator) =>
      values.reduce(
        (acc, value) => combineFn.addInput(acc, value),
        accumulator ?? combineFn.createAccumulator(),
      ),
  };
}

/** The rows of the given items, in window then key order; a failing `extractOutput` is dead-lettered. */
function toRows(
  node: WindowedNode,
  items: ReadonlyMap<string, StoredRevision>,
  touched: ReadonlyMap<string, TableGroup>,
  context: WindowTableContext,
): Element[] {
  const untouched: Origin = { records: [], offsetKey: '' };
  const ordered = [...items.entries()]
    .map(([itemKey, stored]) => ({ itemKey, stored, ...parseWindowItemKey(itemKey) }))
    .sort((a, b) => a.windowEnd - b.windowEnd || (a.keyId < b.keyId ? -1 : a.keyId > b.keyId ? 1 : 0));
  const rows: Element[] = [];
  for (const { itemKey, stored, windowEnd, keyId } of ordered) {
    const group = touched.get(itemKey);
    const origin = group === undefined ? untouched : mergeOrigins(group.origins);
    const window = { start: windowEnd - node.spec.lengthMs, end: windowEnd };
    const key = node.keyed ? decodeKey(keyId) : null;
    try {
      const row: WindowedRow<unknown, unknown> = {
        window,
        key,
        value: node.combineFn.extractOutput(stored.state),
        revision: stored.revision,
      };
      rows.push({ value: row, origin, eventTime: windowEnd });
    } catch (error) {
      context.deadLetter({
        kind: 'element',
        stage: node.stage,
        error: new UserCodeError(node.stage, error),
        value: { window, key, accumulator: stored.state },
        offsetKeys: originRecords(origin).map((record) => record.offsetKey),
      });
    }
  }
  return rows;
}
