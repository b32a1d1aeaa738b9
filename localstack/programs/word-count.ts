import { wordCount } from '../../functions/pipelines/word-count';
import { deployLocalPipeline } from '../runner/local-pipeline';
import { vocabularyLines } from './inputs';
import { parsePrintedBlockList } from './printed-blocks';
import {
  diffCounts,
  type LocalProgram,
  MemoryMetricsSink,
  parsePairLine,
  summarize,
  teePrint,
} from './program';

/** WordCount: per-batch counts; the per-batch counts printed must add up to the input's counts. */
export const wordCountProgram: LocalProgram = {
  name: 'word-count',
  description: 'WordCount: the word counts of every batch, printed (reduceByKey, no state)',
  async run(context) {
    const metrics = new MemoryMetricsSink();
    const { blocks, print } = teePrint(context);
    const local = await deployLocalPipeline({
      endpoint: context.endpoint,
      region: context.region,
      pipeline: wordCount,
      shards: 2,
      print,
      metrics,
      mapping: { batchSize: 40 },
    });
    const lines = vocabularyLines(300);
    await local.produce(
      lines.map((line, i) => ({ partitionKey: `line-${i}`, data: new TextEncoder().encode(line) })),
    );
    await local.mapping.runUntilIdle({ idlePolls: 3 });

    const expected = new Map<string, number>();
    for (const line of lines)
      for (const word of line.split(' ')) expected.set(word, (expected.get(word) ?? 0) + 1);
    const printed = new Map<string, number>();
    for (const { lines: block } of parsePrintedBlockList(blocks)) {
      for (const [word, count] of block.map(parsePairLine))
        printed.set(word, (printed.get(word) ?? 0) + count);
    }
    context.log(`${lines.length} lines in ${metrics.batches.length} batches`);
    return summarize(metrics, diffCounts('word', expected, printed), (await local.readDeadLetters()).length);
  },
};
