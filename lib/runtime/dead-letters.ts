import { createHash } from 'node:crypto';
import { type DeadLetter, decodeOffsetKey, describeError, SparklessError } from '../core';
import type { DeadLetterEntry, DeadLetterSink } from '../sinks';
import type { MalformedEnvelope } from '../sources';

/** Identifies the batch the dead letters come from. */
export interface DeadLetterOrigin {
  readonly pipeline: string;
  readonly namespace: string;
  readonly batchId: string;
  readonly batchNumber: number;
  readonly partition: string;
}

/** Sends the evaluator's dead letters, if any, to `sink` (see {@link toDeadLetterEntries}). */
export async function sendDeadLetters(
  sink: DeadLetterSink,
  deadLetters: readonly DeadLetter[],
  origin: DeadLetterOrigin,
): Promise<void> {
  if (deadLetters.length > 0) await sink.send(toDeadLetterEntries(deadLetters, origin));
}

/** Where `print` blocks go when no `print` option is given: the process's standard output (the function log). */
export function printToStdout(block: string): void {
  process.stdout.write(block);
}

/**
 * Turns the evaluator's dead letters into sink entries with deterministic ids: a record by
 * its offset, an element by batch number and position, or, when it has an id (a value
 * `foreachBatch` code set aside under a key), by batch number and the SHA-256 of that id. Evaluation is deterministic,
 * so a replayed batch produces the same ids and rewrites the same entries.
 */
export function toDeadLetterEntries(
  deadLetters: readonly DeadLetter[],
  origin: DeadLetterOrigin,
): DeadLetterEntry[] {
  let elementIndex = 0;
  return deadLetters.map((deadLetter) => {
    const common = {
      pipeline: origin.pipeline,
      namespace: origin.namespace,
      batchId: origin.batchId,
      partition: origin.partition,
      stage: deadLetter.stage,
      errorCode: errorCodeOf(deadLetter.error),
      reason: reasonOf(deadLetter.error),
    };
    if (deadLetter.kind === 'record') {
      const record = deadLetter.record;
      return {
        ...common,
        id: `${origin.partition}/record-${record.offsetKey}`,
        kind: 'record',
        offset: record.offset,
        ...(record.key === undefined ? {} : { key: record.key }),
        data: Buffer.from(record.value).toString('base64'),
        arrivalTime: record.arrivalTime,
      };
    }
    const batch = `${origin.partition}/batch-${String(origin.batchNumber).padStart(12, '0')}`;
    return {
      ...common,
      id:
        deadLetter.id === undefined
          ? `${batch}/element-${elementIndex++}`
          : // Hashed: the id is user data of any length (a row's key), and S3 keys take 1,024 bytes.
            `${batch}/keyed-${createHash('sha256').update(deadLetter.id, 'utf8').digest('hex')}`,
      kind: 'element',
      value: toJsonSafe(deadLetter.value),
      offsets: deadLetter.offsetKeys.map(decodeOffsetKey),
    };
  });
}

/** The stage named by dead letters of malformed envelopes: the source, before any operator. */
export const ENVELOPE_STAGE = 'source';

/**
 * Turns malformed envelopes into sink entries: kind `envelope`, the envelope's JSON as `data`, and
 * the envelope's deterministic id (a redelivery rewrites the same entries).
 */
export function toEnvelopeDeadLetterEntries(
  envelopes: readonly MalformedEnvelope[],
  origin: Pick<DeadLetterOrigin, 'pipeline' | 'namespace'>,
): DeadLetterEntry[] {
  return envelopes.map((envelope) => ({
    id: envelope.id,
    pipeline: origin.pipeline,
    namespace: origin.namespace,
    kind: 'envelope',
    batchId: '',
    partition: envelope.partition,
    stage: ENVELOPE_STAGE,
    errorCode: errorCodeOf(envelope.error),
    reason: reasonOf(envelope.error),
    ...(envelope.offset === undefined ? {} : { offset: envelope.offset }),
    data: Buffer.from(envelope.json).toString('base64'),
  }));
}

/** The most specific Sparkless code in the error's cause chain. */
function errorCodeOf(error: unknown): string {
  let code = 'UNKNOWN';
  for (
    let current: unknown = error;
    current !== undefined;
    current = (current as { cause?: unknown }).cause
  ) {
    if (current instanceof SparklessError) code = current.code;
    if (!(current instanceof Error)) break;
  }
  return code;
}

/** The error and those of its causes its message does not already tell. */
function reasonOf(error: unknown): string {
  const parts: string[] = [];
  for (let current: unknown = error; current !== undefined && parts.length < 5;) {
    const description = describeError(current);
    if (!parts.some((part) => part.includes(description.slice(description.indexOf(':') + 2))))
      parts.push(description);
    current = current instanceof Error ? current.cause : undefined;
  }
  return parts.join(' <- caused by ');
}

function toJsonSafe(value: unknown): unknown {
  try {
    return JSON.parse(JSON.stringify(value) ?? 'null');
  } catch {
    return String(value);
  }
}
