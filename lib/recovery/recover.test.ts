import type { S3Event } from 'aws-lambda';
import { describe, expect, it } from 'vitest';
import { fileStreamWordCount } from '../../functions/pipelines/file-stream-word-count';
import s3Failure from '../../test/fixtures/s3-async-failure-record.json';
import { sequenceNumber, textRecords } from '../../test/factories/records';
import { SeededRandom } from '../../test/fault-injection/random';
import { WriteAheadLog } from '../checkpoint';
import { decodeUtf8, ErrorCode, ManualClock, pipeline, type SourceRecord } from '../core';
import { type LedgerEntry, MemoryPartitionLedgerStore } from '../ledger';
import { MemoryDeadLetterSink } from '../sinks';
import { MemoryKeyedStateStore } from '../state';
import { MemoryObjectStore, putJson } from '../storage';
import { kinesisPartitionId } from '../sources';
import { BatchExecutor } from '../runtime';
import {
  type DiscardedKinesisRange,
  ObjectStoreOnFailureDestination,
  RecoveryStatus,
  recoverDiscarded,
  recoveryPartitionId,
  type StreamRangeReader,
} from '.';

const SHARD_ID = 'shardId-000000000000';
const STREAM_ARN = 'arn:aws:kinesis:us-east-1:000000000000:stream/words';
/** The main partition: the shard of the stream, as the handler names it. */
const SHARD = kinesisPartitionId(STREAM_ARN, SHARD_ID);
const ON_FAILURE = 'on-failure/wc/';

/** The error a simulated failure throws. */
class InjectedFailure extends Error {}

/** A ledger whose next write matching a predicate fails once, before or after taking effect. */
class FlakyLedger extends MemoryPartitionLedgerStore {
  private failures: Array<{ match: (partition: string, next: LedgerEntry) => boolean; after: boolean }> = [];

  /** Decides for every write whether it fails before or after taking effect (randomized trials). */
  public random: (() => 'before' | 'after' | undefined) | undefined;

  public failOnce(match: (partition: string, next: LedgerEntry) => boolean, after = false): void {
    this.failures.push({ match, after });
  }

  public override async write(partition: string, next: LedgerEntry, expected: number): Promise<boolean> {
    const index = this.failures.findIndex((failure) => failure.match(partition, next));
    const randomly = this.random?.();
    const failure =
      index < 0
        ? randomly === undefined
          ? undefined
          : { after: randomly === 'after' }
        : this.failures.splice(index, 1)[0];
    if (failure !== undefined && !failure.after) throw new InjectedFailure(`ledger write of ${partition}`);
    const written = await super.write(partition, next, expected);
    if (failure !== undefined) throw new InjectedFailure(`after ledger write of ${partition}`);
    return written;
  }
}

const isClaim = (partition: string) => (p: string, next: LedgerEntry) =>
  p === partition && next.open !== undefined;
const isCommit = (partition: string) => (p: string, next: LedgerEntry) =>
  p === partition && next.open === undefined && next.committedOffsetKey !== undefined;

/** A stateful word count on the in-memory twins, a shard's records, and its on-failure prefix. */
function world(size = 20) {
  const counting = pipeline('wc')
    .fromKinesis()
    .map((record) => decodeUtf8(record.value))
    .mapToPair((word) => [word, 1])
    .updateStateByKey<number>((values, state = 0) => values.reduce((a, b) => a + b, state), {
      name: 'counts',
    })
    .print();
  const state = new MemoryKeyedStateStore();
  const ledger = new FlakyLedger();
  const objects = new MemoryObjectStore();
  const writeAheadLog = new WriteAheadLog(objects, 'wc');
  const executor = new BatchExecutor({
    pipeline: counting,
    namespace: 'wc',
    state,
    ledger,
    writeAheadLog,
    deadLetters: new MemoryDeadLetterSink(),
    clock: new ManualClock(1_000),
    print: () => undefined,
  });
  const shard = textRecords(Array.from({ length: size }, (_, i) => `w${i % 3}`));
  const expired = new Set<string>();
  const streams: StreamRangeReader = {
    read: async (range, partition) =>
      shard
        .filter((record) => BigInt(record.offset) >= BigInt(range.startSequenceNumber))
        .filter((record) => BigInt(record.offset) <= BigInt(range.endSequenceNumber))
        .filter((record) => !expired.has(record.offset))
        .map((record) => ({ ...record, partition })),
  };
  const destination = new ObjectStoreOnFailureDestination(objects, ON_FAILURE);
  const slice = (from: number, to: number): SourceRecord[] => shard.slice(from, to + 1);
  /** Lambda gives up on records `from..to`: their pointer goes to the on-failure destination. */
  const discard = async (from: number, to: number): Promise<DiscardedKinesisRange> => {
    const range = {
      streamArn: STREAM_ARN,
      shardId: SHARD_ID,
      startSequenceNumber: sequenceNumber(from),
      endSequenceNumber: sequenceNumber(to),
      batchSize: to - from + 1,
    };
    await putJson(objects, `${ON_FAILURE}${SHARD}/${range.startSequenceNumber}.json`, {
      requestContext: { condition: 'RetryAttemptsExhausted' },
      KinesisBatchInfo: range,
    });
    return range;
  };
  /** A delivery of `from..to` fails before its claim until Lambda discards it. */
  const failBeforeClaimAndDiscard = async (from: number, to: number): Promise<DiscardedKinesisRange> => {
    ledger.failOnce(isClaim(SHARD));
    await expect(executor.processPartition(SHARD, slice(from, to))).rejects.toThrow(InjectedFailure);
    return discard(from, to);
  };
  const recover = () =>
    recoverDiscarded({ pipeline: counting, executor, ledger, writeAheadLog, destination, streams });
  const counts = async () =>
    Object.fromEntries([...(await state.scan('counts'))].map(([key, count]) => [JSON.parse(key), count]));
  /** The reference: each of the 20 records counted once. */
  const expected = (records = shard) => {
    const out: Record<string, number> = {};
    for (const record of records) {
      const word = decodeUtf8(record.value);
      out[word] = (out[word] ?? 0) + 1;
    }
    return out;
  };
  return {
    executor,
    ledger,
    objects,
    writeAheadLog,
    destination,
    shard,
    expired,
    slice,
    discard,
    failBeforeClaimAndDiscard,
    recover,
    counts,
    expected,
  };
}

/**
 * An attempt logs 0..9 as batch 0 and loses its claim; the bisected half 0..4 is committed as batch
 * 0; the range 0..9 is discarded; the shard moves on to 10..19 (batch 1).
 */
async function lostClaimThenCommittedHalf(w: ReturnType<typeof world>): Promise<void> {
  w.ledger.failOnce(isClaim(SHARD));
  await expect(w.executor.processPartition(SHARD, w.slice(0, 9))).rejects.toThrow(InjectedFailure);
  await w.executor.processPartition(SHARD, w.slice(0, 4));
  await w.discard(0, 9);
  await w.executor.processPartition(SHARD, w.slice(10, 19));
}

describe('Function: recoverDiscarded (Kinesis ranges, in-memory twins)', () => {
  it('processes a range the main partition never claimed, once, and marks its record done', async () => {
    // Prepare: 0..4 fail before their claim and are discarded; the shard moves on to 5..19
    const w = world();
    await w.failBeforeClaimAndDiscard(0, 4);
    await w.executor.processPartition(SHARD, w.slice(5, 19));
    expect(await w.counts()).not.toEqual(w.expected());

    // Act
    const report = await w.recover();
    const again = await w.recover();

    // Assess
    expect(report).toMatchObject({ ok: true, processed: 5, expired: 0, failed: 0 });
    expect(report.messages[0]).toMatchObject({ status: RecoveryStatus.Recovered, alreadyProcessed: 0 });
    expect(await w.counts()).toEqual(w.expected());
    expect(again.messages).toEqual([]);
  });

  it('skips the records of an open claim that the next delivery replayed', async () => {
    // Prepare: 0..4 are claimed, the commit fails; the next delivery (5..9) replays the claim first
    const w = world();
    w.ledger.failOnce(isCommit(SHARD));
    await expect(w.executor.processPartition(SHARD, w.slice(0, 4))).rejects.toThrow(InjectedFailure);
    await w.discard(0, 4);
    await w.executor.processPartition(SHARD, w.slice(5, 19));

    // Act
    const report = await w.recover();

    // Assess
    expect(report.messages[0]).toMatchObject({ status: 'recovered', alreadyProcessed: 5, processed: 0 });
    expect(await w.counts()).toEqual(w.expected());
  });

  it('finishes an open claim no delivery has replayed yet as the main partition, not as recovery', async () => {
    // Prepare: the discarded batch was claimed, and no record arrived since
    const w = world();
    await w.executor.processPartition(SHARD, w.slice(0, 14));
    w.ledger.failOnce(isCommit(SHARD));
    await expect(w.executor.processPartition(SHARD, w.slice(15, 19))).rejects.toThrow(InjectedFailure);
    await w.discard(15, 19);

    // Act
    const report = await w.recover();

    // Assess
    expect(report.messages[0]).toMatchObject({ status: 'recovered', alreadyProcessed: 5, processed: 0 });
    expect((await w.ledger.read(SHARD)).open).toBeUndefined();
    expect(await w.counts()).toEqual(w.expected());
  });

  it('processes only the uncommitted half of a range whose other half was committed, despite a log of a lost claim', async () => {
    // Prepare
    const w = world();
    await lostClaimThenCommittedHalf(w);
    expect((await w.writeAheadLog.list(SHARD)).filter((log) => log.batchNumber === 0)).toHaveLength(2);

    // Act
    const report = await w.recover();

    // Assess
    expect(report.messages[0]).toMatchObject({ status: 'recovered', alreadyProcessed: 5, processed: 5 });
    expect(await w.counts()).toEqual(w.expected());
  });

  it('refuses a range it cannot decide from logs written before they recorded where the previous batch ended', async () => {
    // Prepare: as above (two logs of batch 0), but batch 1's log is in the older format without `after`
    const w = world();
    await lostClaimThenCommittedHalf(w);
    const batch1 = (await w.writeAheadLog.list(SHARD)).find((log) => log.batchNumber === 1)?.key ?? '';
    const { after: _after, ...legacy } = JSON.parse(
      new TextDecoder().decode(await w.objects.get(batch1)),
    ) as {
      after?: unknown;
    };
    await putJson(w.objects, batch1, legacy);
    const before = await w.counts();

    // Act
    const report = await w.recover();

    // Assess
    expect(report.messages[0]).toMatchObject({
      status: RecoveryStatus.Failed,
      error: expect.stringMatching(/batch 0 has 2 write-ahead logs/),
    });
    expect(await w.counts()).toEqual(before);
  });

  it('recovers ranges in any order, each as its own partition', async () => {
    // Prepare: two separate discards
    const w = world();
    await w.failBeforeClaimAndDiscard(0, 4);
    await w.executor.processPartition(SHARD, w.slice(5, 9));
    await w.failBeforeClaimAndDiscard(10, 14);
    await w.executor.processPartition(SHARD, w.slice(15, 19));

    // Act
    const report = await w.recover();

    // Assess
    expect(report.processed).toBe(10);
    expect(report.messages.map((message) => message.recoveryPartition).sort()).toEqual([
      recoveryPartitionId(SHARD, sequenceNumber(0)),
      recoveryPartitionId(SHARD, sequenceNumber(10)),
    ]);
    expect(await w.counts()).toEqual(w.expected());
  });

  it.each([
    { crash: 'before the recovery claim', match: isClaim, after: false },
    { crash: 'before the recovery commit', match: isCommit, after: false },
    { crash: 'after the recovery commit, before the record is marked done', match: isCommit, after: true },
  ])('counts once when recover crashes $crash and runs again', async ({ match, after }) => {
    // Prepare
    const w = world();
    const range = await w.failBeforeClaimAndDiscard(0, 9);
    await w.executor.processPartition(SHARD, w.slice(10, 19));
    w.ledger.failOnce(match(recoveryPartitionId(SHARD, range.startSequenceNumber)), after);

    // Act
    const crashed = await w.recover();
    const rerun = await w.recover();

    // Assess
    expect(crashed.messages[0]).toMatchObject({ status: RecoveryStatus.Failed });
    expect(crashed.ok).toBe(false);
    expect(rerun.messages[0]).toMatchObject({ status: RecoveryStatus.Recovered });
    expect((rerun.messages[0]?.processed ?? 0) + (rerun.messages[0]?.previouslyRecovered ?? 0)).toBe(10);
    expect(await w.counts()).toEqual(w.expected());
    expect((await w.recover()).messages).toEqual([]);
  });

  it('counts records that expired from the stream, recovers the rest once and keeps the record', async () => {
    // Prepare: 0..4 discarded, then 0 and 1 expire
    const w = world();
    await w.failBeforeClaimAndDiscard(0, 4);
    await w.executor.processPartition(SHARD, w.slice(5, 19));
    w.expired.add(sequenceNumber(0)).add(sequenceNumber(1));

    // Act
    const report = await w.recover();
    const again = await w.recover();

    // Assess
    expect(report).toMatchObject({ ok: false, expired: 2, processed: 3 });
    expect(report.messages[0]).toMatchObject({ status: RecoveryStatus.Expired });
    expect(again.messages[0]).toMatchObject({ status: RecoveryStatus.Expired, processed: 0 });
    expect(await w.counts()).toEqual(w.expected(w.shard.slice(2)));
  });

  it('refuses a range when a log it needs to decide is missing, rather than risk double counting', async () => {
    // Prepare: the committed half's log is gone (expired)
    const w = world();
    await w.executor.processPartition(SHARD, w.slice(0, 4));
    w.ledger.failOnce(isClaim(SHARD));
    await expect(w.executor.processPartition(SHARD, w.slice(5, 9))).rejects.toThrow(InjectedFailure);
    await w.discard(0, 9);
    await w.executor.processPartition(SHARD, w.slice(10, 19));
    const [first] = await w.writeAheadLog.list(SHARD);
    w.objects.objects.delete(first?.key ?? '');
    const before = await w.counts();

    // Act
    const report = await w.recover();

    // Assess
    expect(report.messages[0]).toMatchObject({ status: RecoveryStatus.Failed });
    expect(report.messages[0]?.error).toMatch(/write-ahead log of batch 0 .* is missing/);
    expect(await w.counts()).toEqual(before);
    expect(ErrorCode.RecoveryUndecidable).toBe('RECOVERY_UNDECIDABLE');
  });
});

describe('Function: recoverDiscarded (S3 events of a text-file pipeline)', () => {
  it('runs each failed event through the S3 handler again and marks it done only once it succeeded', async () => {
    // Prepare: the handler fails on the first try
    const w = world();
    await putJson(w.objects, `${ON_FAILURE}input-a.json`, s3Failure);
    const handled: S3Event[] = [];
    let failures = 1;
    const s3Events = async (event: S3Event) => {
      if (failures-- > 0) throw new InjectedFailure('the state table is still down');
      handled.push(event);
    };
    const recover = () =>
      recoverDiscarded({
        pipeline: fileStreamWordCount,
        executor: w.executor,
        ledger: w.ledger,
        writeAheadLog: w.writeAheadLog,
        destination: w.destination,
        s3Events,
      });

    // Act
    const failed = await recover();
    const recovered = await recover();
    const after = await recover();

    // Assess
    expect(failed.messages[0]).toMatchObject({
      status: RecoveryStatus.Failed,
      error: expect.stringMatching(/still down/),
    });
    expect(recovered.messages[0]).toMatchObject({ status: RecoveryStatus.Recovered });
    expect(handled.map((event) => event.Records[0]?.s3.object.key)).toEqual(['input/a.txt']);
    expect(after.messages).toEqual([]);
  });

  it('refuses a Kinesis range for a text-file pipeline and keeps the record', async () => {
    // Prepare
    const w = world();
    await w.discard(0, 4);

    // Act
    const report = await recoverDiscarded({
      pipeline: fileStreamWordCount,
      executor: w.executor,
      ledger: w.ledger,
      writeAheadLog: w.writeAheadLog,
      destination: w.destination,
      s3Events: async () => undefined,
    });

    // Assess
    expect(report.messages[0]).toMatchObject({
      status: RecoveryStatus.Failed,
      error: expect.stringMatching(/cannot be recovered by text-files pipeline file-stream-word-count/),
    });
    expect((await w.destination.receive()).length).toBe(1);
  });
});

describe('Function: recoverDiscarded (randomized: Lambda retries, bisects and discards under ledger faults)', () => {
  /**
   * One trial: a shard of 40 records delivered the way a mapping with `retries` retries does it
   * (random batch sizes, bisected retries, a discard when the retries run out), while ledger writes
   * fail at random before or after they take effect (a claim taken then lost, a commit written then
   * reported failed, ...); then recover runs, under the same faults, until it reports success.
   */
  async function trial(seed: number): Promise<void> {
    const random = new SeededRandom(seed);
    const w = world(40);
    const faults = () => (random.chance(0.25) ? (random.chance(0.5) ? 'before' : 'after') : undefined);
    w.ledger.random = faults;
    const retries = random.int(0, 2);
    let position = 0;
    while (position < w.shard.length) {
      const last = Math.min(position + random.int(1, 8), w.shard.length) - 1;
      const pending: Array<[number, number]> = [[position, last]];
      while (pending.length > 0) {
        const [from, end] = pending.shift() ?? [0, -1];
        let to = end;
        let delivered = false;
        for (let attempt = 0; attempt <= retries && !delivered; attempt++) {
          delivered = await w.executor.processPartition(SHARD, w.slice(from, to)).then(
            () => true,
            () => false,
          );
          if (!delivered && to > from && random.chance(0.3)) {
            // Bisect: the second half waits for the first; bisected retries do not count.
            const middle = Math.floor((from + to) / 2);
            pending.unshift([middle + 1, to]);
            to = middle;
            attempt--;
          }
        }
        if (!delivered) await w.discard(from, to);
      }
      position = last + 1;
    }
    for (let run = 0; run < 50; run++) {
      if ((await w.recover()).ok && (await w.destination.receive()).length === 0) break;
    }
    w.ledger.random = undefined;
    expect(await w.destination.receive(), `seed ${seed}: records left`).toEqual([]);
    expect(await w.counts(), `seed ${seed}`).toEqual(w.expected());
  }

  it('counts every record exactly once over 300 seeds', async () => {
    for (let seed = 1; seed <= 300; seed++) await trial(seed);
  });
});
