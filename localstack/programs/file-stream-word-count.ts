import { fileStreamWordCount } from '../../functions/pipelines/file-stream-word-count';
import { deployLocalTextFilePipeline } from '../runner/local-text-file-pipeline';
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

/** File-stream WordCount: new files under `input/` are counted once each, their bad lines dead-lettered. */
export const fileStreamWordCountProgram: LocalProgram = {
  name: 'file-stream-word-count',
  description:
    'HdfsWordCount: word counts of every new file under s3://sparkless-input/input/ (textFileStream)',
  async run(context) {
    const metrics = new MemoryMetricsSink();
    const { blocks, print } = teePrint(context);
    const local = await deployLocalTextFilePipeline({
      endpoint: context.endpoint,
      region: context.region,
      pipeline: fileStreamWordCount,
      print,
      metrics,
      linesPerBatch: 40,
    });
    const files = [vocabularyLines(60, 11), vocabularyLines(45, 12), vocabularyLines(30, 13)];
    for (const [i, lines] of files.entries()) await local.upload(`part-${i}.txt`, `${lines.join('\n')}\n`);
    const bad = new Uint8Array([
      ...new TextEncoder().encode('to be\n'),
      0xff,
      0xfe,
      0x0a,
      ...new TextEncoder().encode('or not\n'),
    ]);
    await local.upload('with-bad-line.txt', bad);
    await local.poller.pollOnce();
    await local.upload('part-0.txt', `${(files[0] ?? []).join('\n')}\n`);
    await local.poller.pollOnce();

    const expected = new Map<string, number>();
    for (const line of [...files.flat(), 'to be', 'or not']) {
      for (const word of line.split(' ')) expected.set(word, (expected.get(word) ?? 0) + 1);
    }
    const printed = new Map<string, number>();
    for (const { lines } of parsePrintedBlockList(blocks)) {
      for (const [word, count] of lines.map(parsePairLine))
        printed.set(word, (printed.get(word) ?? 0) + count);
    }
    const deadLetters = await local.readDeadLetters();
    const problems = diffCounts('word', expected, printed);
    if (deadLetters.length !== 1)
      problems.push(`expected the one bad line dead-lettered, found ${deadLetters.length}`);
    context.log(
      `${files.length + 1} files (one uploaded twice with the same content), ${metrics.batches.length} batches`,
    );
    return summarize(metrics, problems, deadLetters.length);
  },
};
