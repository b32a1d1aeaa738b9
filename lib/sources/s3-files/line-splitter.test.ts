import { describe, expect, it } from 'vitest';
import { LineSplitter } from './line-splitter';

const encoder = new TextEncoder();
const decoder = new TextDecoder();

/** Splits `chunks` (text or bytes) and returns the lines as text, or as bytes with `raw`. */
function split(chunks: ReadonlyArray<string | Uint8Array>): string[] {
  const splitter = new LineSplitter();
  const lines = chunks.flatMap((chunk) =>
    splitter.push(typeof chunk === 'string' ? encoder.encode(chunk) : chunk),
  );
  return [...lines, ...splitter.end()].map((line) => decoder.decode(line));
}

describe('Class: LineSplitter', () => {
  describe('Method: push / end', () => {
    it.each([
      ['one line without a final newline', ['to be'], ['to be']],
      ['a final newline ends the last line (no empty line after it)', ['a\nb\n'], ['a', 'b']],
      ['empty lines are lines', ['a\n\n\nb'], ['a', '', '', 'b']],
      ['a single newline is one empty line', ['\n'], ['']],
      ['an empty object has no line', [''], []],
      ['CRLF line endings lose their \\r', ['a\r\nb\r\n'], ['a', 'b']],
      ['a lone \\r inside a line is kept', ['a\rb\n'], ['a\rb']],
      ['a final \\r without \\n is stripped too', ['a\r'], ['a']],
      ['lines spanning chunks', ['to b', 'e or n', 'ot\nto', ' be'], ['to be or not', 'to be']],
      ['CRLF split across chunks', ['a\r', '\nb'], ['a', 'b']],
      ['chunks that are only newlines', ['a', '\n', '\n', 'b'], ['a', '', 'b']],
    ])('%s', (_title, chunks, expected) => {
      // Act
      const lines = split(chunks);

      // Assess
      expect(lines).toEqual(expected);
    });

    it('keeps the original bytes of a line that is not valid UTF-8', () => {
      // Prepare
      const splitter = new LineSplitter();
      const bad = new Uint8Array([0xff, 0xfe, 0x0a, 0x6f, 0x6b, 0x0a]);

      // Act
      const lines = splitter.push(bad);

      // Assess
      expect(lines.map((line) => [...line])).toEqual([
        [0xff, 0xfe],
        [0x6f, 0x6b],
      ]);
      expect(splitter.end()).toEqual([]);
    });

    it('splits multi-byte UTF-8 characters cut across chunks back together', () => {
      // Prepare: "é" is 0xc3 0xa9
      const bytes = encoder.encode('café\nnaïve');
      const cut = bytes.indexOf(0xa9);

      // Act
      const lines = split([bytes.subarray(0, cut), bytes.subarray(cut)]);

      // Assess
      expect(lines).toEqual(['café', 'naïve']);
    });

    it('returns lines as views of the chunk when they do not span chunks', () => {
      // Prepare
      const chunk = encoder.encode('a\nb\n');

      // Act
      const [first] = new LineSplitter().push(chunk);

      // Assess
      expect(first?.buffer).toBe(chunk.buffer);
    });
  });
});
