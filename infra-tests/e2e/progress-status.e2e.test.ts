import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { statefulWordCount } from '../../functions/pipelines/stateful-word-count';
import { decodeOffsetKey } from '../../lib/core';
import { DynamoDbPartitionLedgerStore } from '../../lib/ledger';
import { MemoryMetricsSink } from '../../lib/metrics';
import type { BatchProgress, PipelineStatus } from '../../lib/progress';
import { type EmbeddedStack, startEmbeddedStack } from '../../localstack/embedded';
import { jobOptions } from '../../localstack/main/options';
import { runWordCountOn } from '../../localstack/main/word-count-job';
import { deployLocalPipeline } from '../../localstack/runner/local-pipeline';

const WORDS = ['alpha', 'beta', 'gamma', 'delta', 'epsilon'];
const encoder = new TextEncoder();
const root = path.join(__dirname, '..', '..');
const manifest = JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8')) as {
  bin: Record<string, string>;
};

/** Runs the package's `sparkless` binary. */
const sparkless = (args: readonly string[]) =>
  promisify(execFile)(process.execPath, [path.join(root, manifest.bin.sparkless ?? ''), ...args], {
    cwd: root,
    env: { ...process.env },
  });

/** The records of `--json` output, one JSON object per line. */
const jsonLines = <T>(stdout: string): T[] =>
  stdout
    .trim()
    .split('\n')
    .map((line) => JSON.parse(line) as T);

describe('End to end: progress and status of the stateful word count on the embedded stack', () => {
  let stack: EmbeddedStack;

  beforeAll(async () => {
    stack = await startEmbeddedStack({ port: 0, persist: false });
  });

  afterAll(async () => {
    await stack?.stop();
  });

  it('`sparkless progress --json` returns one record per committed batch adding up to the records consumed, and `status` the committed offset of every partition', async () => {
    // Prepare: 45 records over 2 shards, in batches of at most 10
    const namespace = 'progress-e2e';
    const local = await deployLocalPipeline({
      endpoint: stack.endpoint,
      region: stack.region,
      pipeline: statefulWordCount,
      streamName: namespace,
      namespace,
      shards: 2,
      print: () => undefined,
      metrics: new MemoryMetricsSink(),
      mapping: { batchSize: 10 },
    });
    const input = Array.from({ length: 45 }, (_, i) => `${WORDS[i % 5]} ${WORDS[(i * 3) % 5]}`);
    await local.produce(input.map((line, i) => ({ partitionKey: `k${i}`, data: encoder.encode(line) })));
    await local.mapping.runUntilIdle({ idlePolls: 3 });
    const target = ['--endpoint', stack.endpoint, '--region', stack.region, '--namespace', namespace];

    // Act
    const progress = await sparkless(['progress', 'stateful-word-count', '--json', '-n', '1000', ...target]);
    const status = await sparkless(['status', 'stateful-word-count', '--json', ...target]);
    const text = await sparkless(['status', 'stateful-word-count', ...target]);

    // Assess: one record per committed batch of every partition, their rows adding up to the input
    const records = jsonLines<BatchProgress>(progress.stdout);
    const ledgers = await new DynamoDbPartitionLedgerStore({
      client: local.clients.dynamodb,
      tableName: local.location.stateTable,
      namespace,
    }).readAll();
    const committedBatches = [...ledgers].flatMap(([partition, ledger]) =>
      Array.from({ length: ledger.nextBatchNumber }, (_, batchId) => `${partition}/${batchId}`),
    );
    expect(records.map((record) => `${record.partition}/${record.batchId}`).sort()).toEqual(
      committedBatches.sort(),
    );
    expect(records.reduce((sum, record) => sum + record.numInputRows, 0)).toBe(input.length);
    for (const record of records) {
      expect(record).toMatchObject({ id: `stateful-word-count@${namespace}`, name: 'stateful-word-count' });
      expect(record.numInputRows).toBeLessThanOrEqual(10);
      expect(record.stateOperators).toEqual([
        expect.objectContaining({ operatorId: 'global-word-counts', operatorName: 'updateStateByKey' }),
      ]);
    }
    // ... and status shows every partition's committed offset: the end of its last batch
    const parsed = JSON.parse(status.stdout) as PipelineStatus;
    expect(parsed).toMatchObject({
      message: 'Waiting for data to arrive',
      isDataAvailable: false,
      isTriggerActive: false,
    });
    expect(parsed.partitions.map((partition) => [partition.partition, partition.committedOffset])).toEqual(
      [...ledgers]
        .sort(([a], [b]) => (a < b ? -1 : 1))
        .map(([partition, ledger]) => [partition, decodeOffsetKey(ledger.committedOffsetKey ?? '')]),
    );
    for (const partition of parsed.partitions) {
      const last = records.filter((record) => record.partition === partition.partition).at(-1);
      expect(last?.sources[0]?.endOffset).toBe(partition.committedOffset);
    }
    expect(text.stdout).toMatch(/^stateful-word-count@progress-e2e: Waiting for data to arrive\n/);
  });

  it("after the main job (npm start's word count), progress adds up to the lines it produced and status shows both shards", async () => {
    // Prepare: the job npm start runs, on this stack, with 12 lines over 2 shards
    const directory = await mkdtemp(path.join(tmpdir(), 'sparkless-progress-'));
    const file = path.join(directory, 'input.txt');
    const lines = Array.from({ length: 12 }, (_, i) => `${WORDS[i % 5]} ${WORDS[(i + 2) % 5]}`);
    await writeFile(file, `${lines.join('\n')}\n`);
    const exitCode = await runWordCountOn(
      { endpoint: stack.endpoint, region: stack.region, dataDir: undefined },
      jobOptions({ input: file, malformedRecord: false }),
      () => undefined,
    );
    await rm(directory, { recursive: true, force: true });
    expect(exitCode).toBe(0);
    const target = ['--endpoint', stack.endpoint, '--region', stack.region];

    // Act
    const progress = await sparkless(['progress', 'stateful-word-count', '--json', '-n', '1000', ...target]);
    const status = await sparkless(['status', 'stateful-word-count', '--json', ...target]);

    // Assess
    const records = jsonLines<BatchProgress>(progress.stdout);
    expect(records.reduce((sum, record) => sum + record.numInputRows, 0)).toBe(lines.length);
    const parsed = JSON.parse(status.stdout) as PipelineStatus;
    expect(parsed.partitions).toHaveLength(2);
    for (const partition of parsed.partitions) {
      const own = records.filter((record) => record.partition === partition.partition);
      expect(own.map((record) => record.batchId)).toEqual(
        Array.from({ length: partition.batchesCommitted }, (_, i) => i),
      );
      expect(own.at(-1)?.sources[0]?.endOffset).toBe(partition.committedOffset);
    }
  });
});
