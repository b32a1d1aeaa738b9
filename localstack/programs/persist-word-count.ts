import { persistWordCount } from '../../functions/pipelines/persist-word-count';
import { deployLocalPipeline } from '../runner/local-pipeline';
import { vocabularyLines } from './inputs';
import { diffCounts, type LocalProgram, MemoryMetricsSink, summarize } from './program';
import { prepareResultTable, scanRows } from './table-program';

const TABLE = 'sparkless-word-counts';

/** PersistWordCount: global counts written from foreachBatch into a DynamoDB table, idempotently. */
export const persistWordCountProgram: LocalProgram = {
  name: 'persist-word-count',
  description:
    'PersistWordCount: global word counts written into a DynamoDB table from foreachBatch (one client per container)',
  async run(context) {
    const metrics = new MemoryMetricsSink();
    const local = await deployLocalPipeline({
      endpoint: context.endpoint,
      region: context.region,
      pipeline: persistWordCount,
      shards: 2,
      print: context.print,
      metrics,
      mapping: { batchSize: 50 },
    });
    await prepareResultTable(context, local.clients.dynamodb, TABLE, ['word']);
    const lines = vocabularyLines(250, 21);
    await local.produce(
      lines.map((line, i) => ({ partitionKey: `line-${i}`, data: new TextEncoder().encode(line) })),
    );
    await local.mapping.runUntilIdle({ idlePolls: 3 });

    const expected = new Map<string, number>();
    for (const line of lines)
      for (const word of line.split(' ')) expected.set(word, (expected.get(word) ?? 0) + 1);
    const rows = await scanRows(local.clients.dynamodb, TABLE);
    const stored = new Map(rows.map((row) => [String(row.word), Number(row.count)]));
    context.log(`${lines.length} lines; table ${TABLE} holds ${rows.length} rows`);
    for (const row of rows.slice(0, 10)) context.log(`  ${String(row.word)}: ${String(row.count)}`);
    return summarize(
      metrics,
      diffCounts('table row', expected, stored),
      (await local.readDeadLetters()).length,
    );
  },
};
