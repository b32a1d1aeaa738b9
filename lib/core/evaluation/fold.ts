import { type SparklessError, UserCodeError } from '../errors';
import { isAfter } from '../offsets';
import type { KeyGroup, StatefulStep } from './state-backend';
import { stateSizeError } from './state-size';

/** What to do with one key given what the store holds for it. */
export type FoldDecision =
  | { readonly kind: 'skip' }
  | { readonly kind: 'fold'; readonly next: unknown; readonly mark: string }
  | { readonly kind: 'failed'; readonly error: SparklessError };

/**
 * The fencing rule shared by every state backend: fold only the values whose record lies
 * above the partition's mark on the stored item, and move the mark to the highest folded
 * offset. Values at or below the mark were folded by an earlier attempt and are skipped.
 * A fold whose state would exceed `MAX_STATE_BYTES` fails (`STATE_TOO_LARGE`): nothing is
 * written and the key's values are dead-lettered, like those of an update function that throws.
 */
export function decideFold(
  step: StatefulStep,
  group: KeyGroup,
  state: unknown,
  mark: string | undefined,
): FoldDecision {
  const pending: unknown[] = [];
  let nextMark: string | undefined;
  group.values.forEach((value, index) => {
    const offsetKey = group.offsetKeys[index] as string;
    if (!isAfter(offsetKey, mark)) return;
    pending.push(value);
    if (nextMark === undefined || offsetKey > nextMark) nextMark = offsetKey;
  });
  if (nextMark === undefined) return { kind: 'skip' };
  let next: unknown;
  try {
    const context = { key: group.key, keyId: group.keyId, mark: nextMark };
    next = step.update(pending, state, context);
  } catch (error) {
    return { kind: 'failed', error: new UserCodeError(step.operatorId, error) };
  }
  const tooLarge = stateSizeError(step.operatorId, group.keyId, next);
  return tooLarge === undefined
    ? { kind: 'fold', next, mark: nextMark }
    : { kind: 'failed', error: tooLarge };
}
