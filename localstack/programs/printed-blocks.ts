/** One Spark-style print block parsed back: its time and its element lines. */
export interface PrintedBlock {
  readonly time: number;
  readonly lines: string[];
}

/** Parses Spark-style print blocks back, in order. */
export function parsePrintedBlockList(blocks: readonly string[]): PrintedBlock[] {
  return blocks.map((block) => {
    const lines = block.trimEnd().split('\n');
    return { time: Number(/^Time: (\d+) ms$/.exec(lines[1] ?? '')?.[1]), lines: lines.slice(3) };
  });
}

/** Parses print blocks keyed by their time (for window outputs, whose time is the window end and unique). */
export function parsePrintedBlocks(blocks: readonly string[]): Map<number, string[]> {
  return new Map(parsePrintedBlockList(blocks).map((block) => [block.time, block.lines]));
}
