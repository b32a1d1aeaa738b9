const LINE_FEED = 0x0a;
const CARRIAGE_RETURN = 0x0d;

const EMPTY = new Uint8Array(0);

/**
 * Splits a byte stream into lines, chunk by chunk, the way Hadoop's `LineRecordReader` (and so
 * Spark's `textFileStream`) does: lines end at `\n`, a trailing `\r` is stripped (CRLF files),
 * empty lines are lines too, and a final `\n` ends the last line rather than starting an empty
 * one (`"a\nb\n"` is two lines, `"a\n\n"` is `a` and an empty line, an empty object has none).
 *
 * Splitting bytes, not text, keeps each line's original bytes, so a line that is not valid UTF-8
 * is dead-lettered as it was written; `\n` never occurs inside a UTF-8 multi-byte sequence. Lines
 * inside one chunk are views of it (no copy); only a line spanning chunks is copied.
 *
 * @example
 * const splitter = new LineSplitter();
 * splitter.push(bytes('to be\r\nor no')); // => [bytes('to be')]
 * splitter.push(bytes('t to be\n'));    // => [bytes('or not to be')]
 * splitter.end();                        // => []
 */
export class LineSplitter {
  private pending: Uint8Array[] = [];
  private pendingBytes = 0;

  /** Adds a chunk and returns the lines it completes, in order. */
  public push(chunk: Uint8Array): Uint8Array[] {
    const lines: Uint8Array[] = [];
    let start = 0;
    for (let end = chunk.indexOf(LINE_FEED); end !== -1; end = chunk.indexOf(LINE_FEED, start)) {
      lines.push(stripCarriageReturn(this.takePending(chunk.subarray(start, end))));
      start = end + 1;
    }
    if (start < chunk.length) {
      this.pending.push(chunk.subarray(start));
      this.pendingBytes += chunk.length - start;
    }
    return lines;
  }

  /** Ends the input and returns the last line when it has no final `\n` (nothing otherwise). */
  public end(): Uint8Array[] {
    if (this.pendingBytes === 0) return [];
    return [stripCarriageReturn(this.takePending(EMPTY))];
  }

  /** The pending fragments followed by `tail`, as one line; clears the pending fragments. */
  private takePending(tail: Uint8Array): Uint8Array {
    if (this.pending.length === 0) return tail;
    const line = new Uint8Array(this.pendingBytes + tail.length);
    let offset = 0;
    for (const fragment of this.pending) {
      line.set(fragment, offset);
      offset += fragment.length;
    }
    line.set(tail, offset);
    this.pending = [];
    this.pendingBytes = 0;
    return line;
  }
}

function stripCarriageReturn(line: Uint8Array): Uint8Array {
  return line.length > 0 && line[line.length - 1] === CARRIAGE_RETURN ? line.subarray(0, -1) : line;
}
