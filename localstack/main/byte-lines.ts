const NEWLINE = 0x0a;
const BLANK_BYTES: ReadonlySet<number> = new Set([0x20, 0x09, 0x0d, 0x0b, 0x0c]);

/**
 * Splits bytes on `\n` bytes, without decoding: a line of invalid UTF-8 stays as it is (so it reaches the
 * dead-letter path with its original bytes instead of being rewritten to U+FFFD). A final line without `\n`
 * is kept; the empty segment after a final `\n` is not.
 */
export function splitByteLines(bytes: Uint8Array): Uint8Array[] {
  const lines: Uint8Array[] = [];
  let start = 0;
  for (let index = bytes.indexOf(NEWLINE); index !== -1; index = bytes.indexOf(NEWLINE, start)) {
    lines.push(bytes.subarray(start, index));
    start = index + 1;
  }
  if (start < bytes.length) lines.push(bytes.subarray(start));
  return lines;
}

/** Whether a line holds only ASCII whitespace (or nothing): such lines are not produced. */
export function isBlankLine(line: Uint8Array): boolean {
  return line.every((byte) => BLANK_BYTES.has(byte));
}

/** The `\n`-separated lines of a byte stream (stdin), as they arrive, undecoded. */
export async function* readByteLines(stream: AsyncIterable<Uint8Array | string>): AsyncGenerator<Uint8Array> {
  let rest: Uint8Array = new Uint8Array();
  for await (const chunk of stream) {
    const bytes = typeof chunk === 'string' ? new TextEncoder().encode(chunk) : chunk;
    const joined = new Uint8Array(rest.length + bytes.length);
    joined.set(rest);
    joined.set(bytes, rest.length);
    const end = joined.lastIndexOf(NEWLINE);
    if (end === -1) {
      rest = joined;
      continue;
    }
    yield* splitByteLines(joined.subarray(0, end + 1));
    rest = joined.slice(end + 1);
  }
  if (rest.length > 0) yield rest;
}
