import { InvalidConfigurationError, type SourceRecord } from '../../core';
import { TextFileDefaults } from './constants';
import { LineSplitter } from './line-splitter';
import type { TextBatchOptions, TextObjectIdentity } from './types';

/**
 * Turns an object's byte chunks into source records, one per line (see {@link LineSplitter}),
 * yielded in batches of at most `linesPerBatch` lines (ending early at `bytesPerBatch` bytes).
 * `offset` is the 1-based line number, so the executor's ledger can skip lines a previous attempt
 * committed, however the batches were cut then.
 *
 * The source is pulled only as batches are consumed: with a stream body, memory holds one batch
 * and one chunk.
 *
 * @example
 * for await (const batch of toRecordBatches(body, { partition, key, arrivalTime })) {
 *   await executor.processPartition(partition, batch);
 * }
 */
export async function* toRecordBatches(
  chunks: AsyncIterable<Uint8Array> | Iterable<Uint8Array>,
  identity: TextObjectIdentity,
  options: TextBatchOptions = {},
): AsyncGenerator<SourceRecord[], void, undefined> {
  const linesPerBatch = positiveInteger(options.linesPerBatch, TextFileDefaults.LINES_PER_BATCH);
  const bytesPerBatch = positiveInteger(options.bytesPerBatch, TextFileDefaults.BYTES_PER_BATCH);
  const splitter = new LineSplitter();
  let batch: SourceRecord[] = [];
  let batchBytes = 0;
  let lineNumber = 0;
  const add = (line: Uint8Array): boolean => {
    lineNumber++;
    batch.push({
      partition: identity.partition,
      offset: String(lineNumber),
      key: identity.key,
      value: line,
      arrivalTime: identity.arrivalTime,
    });
    batchBytes += line.length;
    return batch.length >= linesPerBatch || batchBytes >= bytesPerBatch;
  };
  const take = (): SourceRecord[] => {
    const full = batch;
    batch = [];
    batchBytes = 0;
    return full;
  };
  for await (const chunk of chunks) {
    for (const line of splitter.push(chunk)) {
      if (add(line)) yield take();
    }
  }
  for (const line of splitter.end()) {
    if (add(line)) yield take();
  }
  if (batch.length > 0) yield take();
}

function positiveInteger(value: number | undefined, fallback: number): number {
  if (value === undefined) return fallback;
  if (!Number.isInteger(value) || value < 1) {
    throw new InvalidConfigurationError(
      `linesPerBatch and bytesPerBatch must be whole numbers of at least 1 (given ${value})`,
    );
  }
  return value;
}
