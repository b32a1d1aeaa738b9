import { decodeKey } from '../evaluation/keys';
import { unwrapMapWithState } from '../map-with-state';
import type { Pipeline } from '../pipeline/pipeline';

/**
 * A stateful operator's stored states (by key id) as the user sees them: keys decoded, and for
 * `mapWithState` the user's state (keys without one left out).
 */
export function userStates(
  pipeline: Pipeline,
  operatorId: string,
  stored: Iterable<readonly [string, unknown]>,
): Map<unknown, unknown> {
  const mapWithState = pipeline.statefulNodes.some(
    (node) => node.operatorId === operatorId && node.kind === 'mapWithState',
  );
  const out = new Map<unknown, unknown>();
  for (const [keyId, state] of stored) {
    if (!mapWithState) out.set(decodeKey(keyId), state);
    else {
      const entry = unwrapMapWithState(state);
      if (entry.exists) out.set(decodeKey(keyId), entry.state);
    }
  }
  return out;
}
