import { splitWords } from '../../functions/pipelines/stateful-word-count';
import type { DeadLetterEntry } from '../../lib/sinks';
import type { StoredRecord } from '../setup/stream';

const strictUtf8 = new TextDecoder('utf-8', { fatal: true });

/** What {@link checkWordCounts} found. */
export interface WordCountCheck {
  /** The plain count of every word of every valid UTF-8 record. */
  readonly expected: ReadonlyMap<string, number>;
  /** Words whose stored count differs from the expected one. */
  readonly mismatches: readonly string[];
  /** Records of valid UTF-8 (counted). */
  readonly validRecords: number;
  /** Records that are not valid UTF-8: a correct pipeline dead-letters them and counts nothing. */
  readonly invalidRecords: readonly StoredRecord[];
  /** Invalid records without a dead-letter entry (lost silently). */
  readonly missingDeadLetters: readonly StoredRecord[];
}

/**
 * The independent check of the word count: from everything the stream holds (not one run's input, so a
 * run that resumes a crashed one on a persistent stack is checked against all it must have counted),
 * counts the words of every valid UTF-8 record with a plain loop, expects a dead letter for every
 * record that is not valid UTF-8, and compares with the stored counts.
 */
export function checkWordCounts(
  records: readonly StoredRecord[],
  stored: ReadonlyMap<unknown, unknown>,
  deadLetters: readonly DeadLetterEntry[],
): WordCountCheck {
  const expected = new Map<string, number>();
  const invalidRecords: StoredRecord[] = [];
  for (const record of records) {
    let text: string;
    try {
      text = strictUtf8.decode(record.data);
    } catch {
      invalidRecords.push(record);
      continue;
    }
    for (const word of splitWords(text)) expected.set(word, (expected.get(word) ?? 0) + 1);
  }
  const deadLettered = new Set(
    deadLetters
      .filter((entry) => entry.kind === 'record' && entry.offset !== undefined)
      .map((entry) => `${entry.key ?? ''}\u0000${BigInt(entry.offset ?? '0')}`),
  );
  const missingDeadLetters = invalidRecords.filter(
    (record) => !deadLettered.has(`${record.partitionKey}\u0000${BigInt(record.sequenceNumber)}`),
  );
  const mismatches = [...new Set<unknown>([...expected.keys(), ...stored.keys()])]
    .filter((word) => expected.get(word as string) !== stored.get(word))
    .map(String);
  return {
    expected,
    mismatches,
    validRecords: records.length - invalidRecords.length,
    invalidRecords,
    missingDeadLetters,
  };
}
