/** Parses Spark-style print blocks back into (batch time, lines): for asserting on what a seed printed. */
export function parsePrintedBlocks(blocks: readonly string[]): Map<number, string[]> {
  const parsed = new Map<number, string[]>();
  for (const block of blocks) {
    const lines = block.trimEnd().split('\n');
    const time = Number(/^Time: (\d+) ms$/.exec(lines[1] ?? '')?.[1]);
    parsed.set(time, lines.slice(3));
  }
  return parsed;
}
