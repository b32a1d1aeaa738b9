import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FailurePolicy } from '../../cdk/streaming-pipeline/failure-policy';
import { ErrorCode } from '../../lib/core';
import { MemoryMetricsSink } from '../../lib/metrics';
import type { AwsClients } from '../../localstack/clients';
import { type EmbeddedStack, startEmbeddedStack } from '../../localstack/embedded';
import { DestinationDeliveryError, ShardPollError } from '../../localstack/event-source-mapping';
import { alive, waitFor } from './processes';
import {
  asRecords,
  deployWordCount,
  discardedRecordCount,
  distinctLines,
  OUTAGE_FAILURES,
  RETRY_ATTEMPTS,
  recover,
  referenceCounts,
} from './word-count-policies';

/** Bytes that are not UTF-8: the pipeline dead-letters such a record (once) and moves on. */
const NOT_UTF8 = new Uint8Array([0x66, 0xff, 0xfe, 0x6f]);
/** Generous bound for conditions on a loaded machine; the waits end as soon as the condition holds. */
const WAIT_MS = 45_000;

/** A failed poll of the mapping whose cause is an on-failure record the destination did not take. */
const isDestinationDeliveryFailure = (error: unknown): boolean =>
  error instanceof ShardPollError && error.cause instanceof DestinationDeliveryError;

/** Which emulator process is killed: the one serving DynamoDB and S3 (state, ledger, WAL, destination), or Kinesis. */
const Killed = {
  STORES: 'dynamodb',
  STREAM: 'kinesis',
} as const;
type Killed = (typeof Killed)[keyof typeof Killed];

/**
 * When it is killed: whenever (batches are running in the background), or right after the handler claimed a batch
 * (its write-ahead log put, then its ledger write), so the shard holds an open claim through the outage.
 */
const Moment = {
  WHILE_RUNNING: 'while batches run',
  AFTER_CLAIM: 'right after a claim',
} as const;
type Moment = (typeof Moment)[keyof typeof Moment];

/** A stream and namespace name part for a moment. */
const name = (moment: Moment): string => moment.replaceAll(' ', '-');

/** Calls `kill` once, right after the first DynamoDB write that follows a write-ahead log put from now on. */
function killAfterNextClaim(clients: AwsClients, kill: () => void): void {
  let logged = false;
  let killed = false;
  clients.s3.middlewareStack.add(
    (next) => async (args) => {
      const result = await next(args);
      const { Key } = args.input as { Key?: unknown };
      if (typeof Key === 'string' && Key.startsWith('wal/')) logged = true;
      return result;
    },
    { step: 'initialize', name: 'watchWriteAheadLog' },
  );
  clients.dynamodb.middlewareStack.add(
    (next, context) => async (args) => {
      const result = await next(args);
      const write = context.commandName === 'PutItemCommand' || context.commandName === 'UpdateItemCommand';
      if (logged && write && !killed) {
        killed = true;
        kill();
      }
      return result;
    },
    { step: 'initialize', name: 'killAfterClaim' },
  );
}

describe('End to end: an emulator process killed and held down longer than the retry budget, under each failure policy', () => {
  let stack: EmbeddedStack;
  let dataDir: string;

  beforeAll(async () => {
    // A data directory, so a killed emulator comes back with its tables, objects and stream (as after a crash)
    dataDir = await mkdtemp(join(tmpdir(), 'sparkless-outage-'));
    stack = await startEmbeddedStack({
      port: 0,
      dataDir,
      kinesisSnapshotIntervalMs: 50,
      log: () => undefined,
    });
  });

  afterAll(async () => {
    try {
      await stack?.stop();
    } finally {
      if (dataDir !== undefined) await rm(dataDir, { recursive: true, force: true });
    }
  });

  /**
   * Runs the word count in the background (the real handler and local event source mapping), produces a first
   * part (ending with a record that is not UTF-8), SIGKILLs the `killed` emulator once a batch is counted, holds it down until the outage has outlasted
   * the discard mode's retry budget (produces a second part meanwhile when Kinesis is up), lets it restart,
   * produces a third part, and drains.
   */
  async function runThroughOutage(name: string, policy: FailurePolicy, killed: Killed, moment: Moment) {
    const metrics = new MemoryMetricsSink();
    const errors: unknown[] = [];
    const local = await deployWordCount(stack, name, policy, {
      metrics,
      onError: (error) => errors.push(error),
      // A call to a killed emulator fails after 2 attempts, not the deployed 8 (seconds of backoff each)
      sdkRetry: { maxAttempts: 2, retryMode: 'standard' },
    });
    const before = distinctLines('before', 40);
    const during = killed === Killed.STORES ? distinctLines('during', 30) : [];
    const after = distinctLines('after', 20);
    local.mapping.start();
    let restarts: number;
    try {
      await local.produce([...asRecords(before, 'b'), { partitionKey: 'not-utf8', data: NOT_UTF8 }]);
      await waitFor(() => metrics.batches.length > 0, WAIT_MS, 'no batch was counted before the outage');

      restarts = stack.emulatorRestarts();
      const release = stack.holdRestarts(killed);
      const pid = stack.services[killed].pid;
      const failuresBefore = metrics.failures.length;
      const pollErrorsBefore = local.mapping.stats.pollErrors;
      const kill = () => process.kill(pid, 'SIGKILL');
      if (moment === Moment.AFTER_CLAIM) killAfterNextClaim(local.clients, kill);
      else kill();
      try {
        if (killed === Killed.STORES) {
          // Kinesis is up: records keep arriving during the outage
          await local.produce(asRecords(during, 'd'));
          await waitFor(() => !alive(pid), WAIT_MS, 'no batch was claimed after the first one');
          // Longer than the retry budget: the blocking shard keeps failing; the discarding one runs out of
          // retries and cannot write its on-failure record either (S3 is down too), so it retries that
          await waitFor(
            () =>
              policy === FailurePolicy.BlockUntilFixed
                ? metrics.failures.length - failuresBefore >= OUTAGE_FAILURES
                : errors.filter(isDestinationDeliveryFailure).length >= 2,
            WAIT_MS,
            'the outage did not outlast the retry budget',
          );
        } else {
          await waitFor(
            () => local.mapping.stats.pollErrors - pollErrorsBefore >= OUTAGE_FAILURES,
            WAIT_MS,
            'the shard did not keep failing to read during the outage',
          );
        }
        const heldDown = { alive: alive(pid), pid: stack.services[killed].pid };
        expect(heldDown).toEqual({ alive: false, pid });
      } finally {
        release();
      }
      await waitFor(
        () => stack.services[killed].pid !== pid,
        WAIT_MS,
        `the ${killed} emulator did not restart`,
      );
      await local.produce(asRecords(after, 'a'));
    } finally {
      await local.mapping.stop();
    }
    await local.mapping.runUntilIdle({ idlePolls: 3 });
    expect(stack.emulatorRestarts()).toBe(restarts + 1);
    return {
      local,
      metrics,
      errors,
      counted: [...before, ...during, ...after],
    };
  }

  /** The stored counts equal a plain count of the input; the record that is not UTF-8 is dead-lettered once. */
  async function assessCounts(outcome: Awaited<ReturnType<typeof runThroughOutage>>): Promise<void> {
    const { local, counted } = outcome;
    expect(Object.fromEntries(await local.readState('global-word-counts'))).toEqual(referenceCounts(counted));
    const deadLetters = await local.readDeadLetters();
    expect(deadLetters).toHaveLength(1);
    expect(deadLetters[0]).toMatchObject({
      kind: 'record',
      key: 'not-utf8',
      errorCode: ErrorCode.DecodeFailed,
      data: Buffer.from(NOT_UTF8).toString('base64'),
    });
  }

  describe.each([
    [Killed.STORES, Moment.WHILE_RUNNING],
    [Killed.STORES, Moment.AFTER_CLAIM],
    [Killed.STREAM, Moment.WHILE_RUNNING],
  ])('the %s emulator killed %s', (killed, moment) => {
    it('BlockUntilFixed: the shard waits out the outage, nothing is discarded, and every record counts once', async () => {
      // Act
      const outcome = await runThroughOutage(
        `block-${killed}-${name(moment)}`,
        FailurePolicy.BlockUntilFixed,
        killed,
        moment,
      );

      // Assess
      expect(await outcome.local.readOnFailureRecords()).toEqual([]);
      expect(outcome.local.mapping.stats.batchesDiscarded).toBe(0);
      await assessCounts(outcome);
    });

    it('DiscardAndRecover: what the mapping gave up on is in the on-failure destination, and recover counts it once', async () => {
      // Prepare
      const outcome = await runThroughOutage(
        `discard-${killed}-${name(moment)}`,
        FailurePolicy.DiscardAndRecover,
        killed,
        moment,
      );
      const { local } = outcome;
      const discarded = await local.readOnFailureRecords();
      const discardedRecords = discardedRecordCount(discarded);
      expect(local.mapping.stats.recordsDiscarded).toBe(discardedRecords);
      if (killed === Killed.STORES) {
        // Handler failures beyond the budget: discarded, and written once the destination was back
        expect(discarded.length).toBeGreaterThan(0);
        for (const record of discarded) {
          expect(record).toMatchObject({
            requestContext: {
              condition: 'RetryAttemptsExhausted',
              approximateInvokeCount: RETRY_ATTEMPTS + 1,
            },
          });
        }
      } else {
        // A stream that cannot be read fails no invocation: nothing to discard
        expect(discarded).toEqual([]);
      }

      // Act
      const report = await recover(local);
      const again = await recover(local);

      // Assess
      await assessCounts(outcome);
      expect(report).toMatchObject({ ok: true, expired: 0, failed: 0 });
      expect(report.messages).toHaveLength(discarded.length);
      // Each discarded record is processed by recover, or was already by the shard: the emulator may die
      // after a batch's claim was written, and the shard's next delivery finishes that claim (its records)
      const accounted = report.messages.reduce(
        (sum, message) => sum + message.processed + message.alreadyProcessed,
        0,
      );
      expect(accounted).toBe(discardedRecords);
      if (moment === Moment.AFTER_CLAIM && killed === Killed.STORES) {
        // The claimed batch was discarded too: its records are the shard's, and recover left them
        expect(report.messages.some((message) => message.alreadyProcessed > 0)).toBe(true);
      }
      expect(report.messages.every((message) => message.previouslyRecovered === 0)).toBe(true);
      expect(again.messages).toEqual([]);
    });
  });
});
