import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { decodeUtf8, OutputMode, pipeline, slidingWindows } from '../../lib/core';
import { MemoryMetricsSink } from '../../lib/metrics';
import { DynamoDbTableSink } from '../../lib/sinks';
import { createAwsClients } from '../../localstack/clients';
import { type EmbeddedStack, startEmbeddedStack } from '../../localstack/embedded';
import { searchLogs, type TimedLine } from '../../localstack/programs/inputs';
import { referenceWindowCounts } from '../../localstack/programs/reference';
import { scanRows } from '../../localstack/programs/table-program';
import { twoPhases } from '../../localstack/programs/window-hot-word';
import { produceTimedLines } from '../../localstack/programs/windowed-program';
import { deployLocalPipeline } from '../../localstack/runner/local-pipeline';
import { ensureTable } from '../../localstack/setup/state-table';

const SPEC = slidingWindows({ lengthMs: 60_000, slideMs: 10_000, allowedLatenessMs: 5_000 });
const TABLE = 'e2e-window-word-counts';

/**
 * Update output mode through the real handler, the local event source mapping and the DynamoDB and
 * S3 emulators: search words counted over 60 s windows sliding by 10 s, each batch's changed rows
 * upserted into a table by revision. Out-of-order lines update their open windows; lines 70-100 s
 * behind are late for all of theirs. No scheduled trigger runs.
 */
describe('End to end: update output mode on the embedded local stack', () => {
  let stack: EmbeddedStack;

  beforeAll(async () => {
    stack = await startEmbeddedStack({ port: 0, persist: false });
  });

  afterAll(async () => {
    await stack?.stop();
  });

  it('leaves every (window, word) at its plain-loop count, late lines counted and left out', async () => {
    // Prepare
    const { dynamodb } = createAwsClients({ endpoint: stack.endpoint, region: stack.region });
    await ensureTable(dynamodb, TABLE, ['word', 'windowEnd']);
    const table = new DynamoDbTableSink({ client: dynamodb, tableName: TABLE });
    const wordCounts = pipeline('update-mode-word-counts')
      .fromKinesis()
      .map((record) => decodeUtf8(record.value).split(' '))
      .withTimestamps(([time]) => Number(time))
      .mapToPair(([, , word]) => [word ?? '', 1])
      .reduceByKeyAndWindow((a, b) => a + b, SPEC, { outputMode: OutputMode.Update, name: 'word-counts' })
      .foreachBatch(async (rows) => {
        await table.upsert(
          rows.map(({ window, key, value, revision }) => ({
            key: { word: key, windowEnd: String(window.end) },
            attributes: { count: value },
            sequence: revision,
          })),
        );
      });
    const metrics = new MemoryMetricsSink();
    const local = await deployLocalPipeline({
      endpoint: stack.endpoint,
      region: stack.region,
      pipeline: wordCounts,
      shards: 2,
      metrics,
      print: () => undefined,
      mapping: { batchSize: 25 },
    });
    const { phase1, phase2 } = twoPhases(searchLogs, Date.now());
    const produce = (lines: readonly TimedLine[]) => produceTimedLines(local, lines);

    // Act
    await produce(phase1);
    await local.mapping.runUntilIdle({ idlePolls: 3 });
    await produce(phase2);
    await local.mapping.runUntilIdle({ idlePolls: 3 });

    // Assess
    const onTime = [...phase1, ...phase2].filter((item) => item.late !== true);
    const expected = referenceWindowCounts(
      SPEC,
      [onTime],
      (item) => item.time,
      (item) => item.line.split(' ')[2] ?? '',
    );
    const stored = new Map<string, number>();
    for (const row of await scanRows(local.clients.dynamodb, TABLE))
      stored.set(`${String(row.windowEnd)}|${String(row.word)}`, Number(row.count));
    const expectedRows = new Map(
      [...expected].flatMap(([end, counts]) => [...counts].map(([word, count]) => [`${end}|${word}`, count])),
    );
    expect(stored).toEqual(expectedRows);
    const generatedLate = phase2.filter((item) => item.late === true).length;
    expect(metrics.batches.reduce((sum, batch) => sum + batch.lateRecords, 0)).toBe(generatedLate);
    expect(metrics.batches.length).toBeGreaterThan(2);
    expect(await local.readDeadLetters()).toEqual([]);
  });
});
