import { UserCodeError } from '../errors';
import { isAfter } from '../offsets';
import type { KeyGroup, StatefulStep } from './state-backend';

/** What to do with one key given what the store holds for it. */
export type FoldDecision =
  | { readonly kind: 'skip' }
  | { readonly kind: 'fold'; readonly next: unknown; readonly mark: string }
  | { readonly kind: 'failed'; readonly error: UserCodeError };

/**
 * The fencing rule shared by every state backend: fold only the values whose record lies
 * above the partition's mark on the stored item, and move the mark to the highest folded
 * offset. Values at or below the mark were folded by an earlier attempt and are skipped.
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
  try {
    const context = { key: group.key, keyId: group.keyId, mark: nextMark };
    return { kind: 'fold', next: step.update(pending, state, context), mark: nextMark };
  } catch (error) {
    return { kind: 'failed', error: new UserCodeError(step.operatorId, error) };
  }
}
