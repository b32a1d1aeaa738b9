import type { InputRecord } from '../records';

/** Something the evaluator could not process and set aside, with the reason. */
export type DeadLetter = RecordDeadLetter | ElementDeadLetter;

/**
 * A source record whose processing threw before any state was touched: it is removed from
 * the batch entirely and kept with its original bytes.
 */
export interface RecordDeadLetter {
  readonly kind: 'record';
  readonly record: InputRecord;
  /** The stage whose code threw, e.g. `map#1`. */
  readonly stage: string;
  readonly error: unknown;
}

/**
 * An element that failed downstream of a state write (or inside an update function): the
 * element is dropped and kept as JSON with the offsets it came from.
 */
export interface ElementDeadLetter {
  readonly kind: 'element';
  readonly stage: string;
  readonly error: unknown;
  /** The element (or for a failed update: the key and its values). */
  readonly value: unknown;
  /** Offset keys of the contributing records. */
  readonly offsetKeys: readonly string[];
  /**
   * Identifies the element within its batch when its position does not (a value `foreachBatch` code
   * set aside under a key): the entry is named after it.
   *
   * @default none: the entry is named after the element's position among the batch's dead letters
   */
  readonly id?: string;
}

/** The dead letter of a key whose update function (or accumulator) threw: the key, its values and their offsets. */
export function failedKeyDeadLetter(
  stage: string,
  error: unknown,
  group: { readonly key: unknown; readonly values: readonly unknown[] },
  offsetKeys: readonly string[],
): ElementDeadLetter {
  return { kind: 'element', stage, error, value: [group.key, group.values], offsetKeys };
}
