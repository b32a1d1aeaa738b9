/**
 * Keeps the last lines a child process wrote, to attach to a start error without holding a
 * whole log in memory.
 */
export class OutputTail {
  readonly #maxChars: number;
  #text = '';

  /** @param maxChars How many trailing characters to keep. */
  public constructor(maxChars = 8_192) {
    this.#maxChars = maxChars;
  }

  /** Appends output. */
  public append(chunk: string): void {
    this.#text += chunk;
    if (this.#text.length > 2 * this.#maxChars) this.#text = this.#text.slice(-this.#maxChars);
  }

  /** The kept output, starting at a line boundary when it was truncated. */
  public toString(): string {
    if (this.#text.length <= this.#maxChars) return this.#text.trimEnd();
    const tail = this.#text.slice(-this.#maxChars);
    const firstBreak = tail.indexOf('\n');
    return (firstBreak >= 0 ? tail.slice(firstBreak + 1) : tail).trimEnd();
  }
}
