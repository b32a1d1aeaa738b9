import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FailurePolicy } from '../../cdk/streaming-pipeline/failure-policy';
import { splitWords } from '../../functions/pipelines/stateful-word-count';
import { decodeUtf8, ErrorCode, pipeline } from '../../lib/core';
import { createKinesisHandler, type KinesisHandler } from '../../lib/handlers';
import { MemoryMetricsSink } from '../../lib/metrics';
import { createAwsClients } from '../../localstack/clients';
import { type EmbeddedStack, startEmbeddedStack } from '../../localstack/embedded';
import { localHandlerOptions } from '../../localstack/runner/handler-options';
import type { LocalPipeline } from '../../localstack/runner/local-pipeline';
import { deployLocalTextFilePipeline } from '../../localstack/runner/local-text-file-pipeline';
import {
  asRecords,
  deployWordCount,
  discardedRecordCount,
  lines,
  OUTAGE_FAILURES,
  recover,
  referenceCounts,
} from './word-count-policies';

/**
 * A DynamoDB outage on the handler's real client: every call fails (before the SDK's own retries)
 * until the handler has reported `failures` failed partition batches.
 */
function injectOutage(client: DynamoDBClient, metrics: MemoryMetricsSink, failures: number): void {
  client.middlewareStack.add(
    (next) => async (args) => {
      if (metrics.failures.length < failures) {
        throw Object.assign(new Error('injected DynamoDB outage'), { name: 'ServiceUnavailable' });
      }
      return next(args);
    },
    { step: 'initialize', name: 'injectedOutage' },
  );
}

describe('End to end: failure policies on the embedded local stack', () => {
  let stack: EmbeddedStack;

  beforeAll(async () => {
    stack = await startEmbeddedStack({ port: 0, persist: false });
  });

  afterAll(async () => {
    await stack?.stop();
  });

  const deploy = (
    name: string,
    failurePolicy: FailurePolicy,
    metrics: MemoryMetricsSink,
    wrapHandler?: (handler: KinesisHandler) => KinesisHandler,
  ): Promise<LocalPipeline> =>
    deployWordCount(stack, name, failurePolicy, {
      metrics,
      ...(wrapHandler === undefined ? {} : { wrapHandler }),
    });

  it('BlockUntilFixed: a store outage longer than any retry budget holds the shard, then every record counts once', async () => {
    // Prepare
    const metrics = new MemoryMetricsSink();
    const local = await deploy('block-outage', FailurePolicy.BlockUntilFixed, metrics);
    injectOutage(local.clients.dynamodb, metrics, OUTAGE_FAILURES);
    const input = lines(60);

    // Act
    await local.produce(asRecords(input));
    await local.mapping.runUntilIdle({ idlePolls: 3 });

    // Assess
    expect(metrics.failures.length).toBeGreaterThanOrEqual(OUTAGE_FAILURES);
    expect(Object.fromEntries(await local.readState('global-word-counts'))).toEqual(referenceCounts(input));
    expect(await local.readOnFailureRecords()).toEqual([]);
  });

  it('DiscardAndRecover: batches discarded during the outage are counted once by recover, and a second recover changes nothing', async () => {
    // Prepare
    const metrics = new MemoryMetricsSink();
    const local = await deploy('discard-outage', FailurePolicy.DiscardAndRecover, metrics);
    injectOutage(local.clients.dynamodb, metrics, OUTAGE_FAILURES);
    const input = lines(60, 1);
    await local.produce(asRecords(input));
    await local.mapping.runUntilIdle({ idlePolls: 3 });
    const discarded = await local.readOnFailureRecords();
    expect(discarded.length).toBeGreaterThanOrEqual(3);
    expect(Object.fromEntries(await local.readState('global-word-counts'))).not.toEqual(
      referenceCounts(input),
    );

    // Act
    const report = await recover(local);
    const again = await recover(local);

    // Assess
    expect(report).toMatchObject({ ok: true, expired: 0, failed: 0 });
    expect(report.messages).toHaveLength(discarded.length);
    expect(report.processed).toBe(discardedRecordCount(discarded));
    expect(again.messages).toEqual([]);
    expect(Object.fromEntries(await local.readState('global-word-counts'))).toEqual(referenceCounts(input));
  });

  it('Text files (DiscardAndRecover): events Lambda gave up on during the outage are processed once by recover', async () => {
    // Prepare: a stateful word count over new files; two of three files fail all their attempts
    const fileCounts = pipeline('e2e-file-counts')
      .fromTextFiles({ prefix: 'input/' })
      .map((record) => decodeUtf8(record.value))
      .flatMap(splitWords)
      .mapToPair((word) => [word, 1])
      .updateStateByKey<number>((values, state = 0) => values.reduce((a, b) => a + b, state), {
        name: 'file-word-counts',
      })
      .print();
    const metrics = new MemoryMetricsSink();
    const local = await deployLocalTextFilePipeline({
      endpoint: stack.endpoint,
      region: stack.region,
      pipeline: fileCounts,
      inputBucket: 'policy-input',
      print: () => undefined,
      metrics,
      poller: { maximumRetryAttempts: 1 },
    });
    injectOutage(local.clients.dynamodb, metrics, 4);
    const files = [lines(7, 5), lines(9, 6), lines(11, 7)];
    for (const [i, file] of files.entries()) await local.upload(`part-${i}.txt`, `${file.join('\n')}\n`);
    await local.poller.pollOnce();
    expect(await local.readOnFailureRecords()).toHaveLength(2);

    // Act
    const report = await recover(local, fileCounts);
    const again = await recover(local, fileCounts);

    // Assess
    expect(report).toMatchObject({ ok: true, failed: 0 });
    expect(report.messages).toHaveLength(2);
    expect(again.messages).toEqual([]);
    expect(Object.fromEntries(await local.readState('file-word-counts'))).toEqual(
      referenceCounts(files.flat()),
    );
  });

  describe('The sparkless binary (package.json "bin")', () => {
    const root = path.join(__dirname, '..', '..');
    const manifest = JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8')) as {
      bin: Record<string, string>;
    };
    const bin = path.join(root, manifest.bin.sparkless ?? '');
    const run = (args: readonly string[]) =>
      promisify(execFile)(process.execPath, [bin, ...args], { cwd: root, env: { ...process.env } }).then(
        ({ stdout, stderr }) => ({ code: 0, stdout, stderr }),
        (error: { code?: number; stdout?: string; stderr?: string }) => ({
          code: error.code ?? -1,
          stdout: error.stdout ?? '',
          stderr: error.stderr ?? '',
        }),
      );

    it('prints its help and exits 0', async () => {
      // Act
      const { code, stdout } = await run(['--help']);

      // Assess
      expect(code).toBe(0);
      expect(stdout).toMatch(/recover \[options\] <pipeline>/);
    });

    it('recovers the batches discarded during an outage: every record counted once', async () => {
      // Prepare
      const metrics = new MemoryMetricsSink();
      const local = await deploy('discard-cli', FailurePolicy.DiscardAndRecover, metrics);
      injectOutage(local.clients.dynamodb, metrics, OUTAGE_FAILURES);
      const input = lines(40, 4);
      await local.produce(asRecords(input));
      await local.mapping.runUntilIdle({ idlePolls: 3 });
      expect((await local.readOnFailureRecords()).length).toBeGreaterThan(0);

      // Act
      const { code, stdout } = await run([
        'recover',
        'stateful-word-count',
        '--endpoint',
        stack.endpoint,
        '--region',
        stack.region,
        '--namespace',
        'discard-cli',
      ]);

      // Assess
      expect(stdout).toMatch(/discarded batch\(es\): \d+ record\(s\) processed, 0 expired, 0 failed/);
      expect(code).toBe(0);
      expect(Object.fromEntries(await local.readState('global-word-counts'))).toEqual(referenceCounts(input));
    });
  });

  describe('Deploying an incompatible plan, then rolling back', () => {
    /** The same pipeline name with another stateful operator: its plan fingerprint differs. */
    const incompatible = pipeline('stateful-word-count')
      .fromKinesis()
      .map((record) => decodeUtf8(record.value))
      .flatMap(splitWords)
      .mapToPair((word) => [word, 1])
      .updateStateByKey<number>((values, state = 0) => values.reduce((a, b) => a + b, state), {
        name: 'renamed-word-counts',
      })
      .print();

    async function deployThenRollBack(name: string, policy: FailurePolicy) {
      const metrics = new MemoryMetricsSink();
      const newPlan = createKinesisHandler(
        incompatible,
        localHandlerOptions({
          pipeline: incompatible,
          clients: createAwsClients({ endpoint: stack.endpoint, region: stack.region }),
          tableName: 'sparkless-state',
          bucket: 'sparkless-checkpoints',
          namespace: name,
          print: () => undefined,
          metrics,
        }),
      );
      let deployed = false;
      const local = await deploy(name, policy, metrics, (old) => async (event, context) => {
        // The new code runs until it has failed enough batches for the discard mode to give up; then the roll back.
        const current = deployed && metrics.failures.length < OUTAGE_FAILURES ? newPlan : old;
        return current(event, context);
      });
      const before = lines(20, 2);
      const during = lines(40, 3);
      await local.produce(asRecords(before));
      await local.mapping.runUntilIdle({ idlePolls: 3 });
      deployed = true;
      await local.produce(asRecords(during));
      await local.mapping.runUntilIdle({ idlePolls: 3 });
      return { local, metrics, input: [...before, ...during] };
    }

    it('BlockUntilFixed: the batches the new plan refused are kept and counted once after the roll back', async () => {
      // Act
      const { local, metrics, input } = await deployThenRollBack(
        'rollback-block',
        FailurePolicy.BlockUntilFixed,
      );

      // Assess
      expect(metrics.failures.map((failure) => failure.errorCode)).toContain(ErrorCode.IncompatibleStatePlan);
      expect(await local.readOnFailureRecords()).toEqual([]);
      expect(Object.fromEntries(await local.readState('global-word-counts'))).toEqual(referenceCounts(input));
    });

    it('DiscardAndRecover: the refused batches are discarded, and recover counts them once', async () => {
      // Prepare
      const { local, metrics, input } = await deployThenRollBack(
        'rollback-discard',
        FailurePolicy.DiscardAndRecover,
      );
      expect(metrics.failures.map((failure) => failure.errorCode)).toContain(ErrorCode.IncompatibleStatePlan);
      expect((await local.readOnFailureRecords()).length).toBeGreaterThan(0);

      // Act
      const report = await recover(local);

      // Assess
      expect(report.ok).toBe(true);
      expect(Object.fromEntries(await local.readState('global-word-counts'))).toEqual(referenceCounts(input));
    });
  });
});
