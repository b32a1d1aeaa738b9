import { createHash } from 'node:crypto';
import {
  type _Record,
  GetRecordsCommand,
  type GetRecordsCommandOutput,
  GetShardIteratorCommand,
  type GetShardIteratorCommandInput,
  type GetShardIteratorCommandOutput,
  type KinesisClient,
  ListShardsCommand,
  type ListShardsCommandInput,
  type ListShardsCommandOutput,
  type Shard,
} from '@aws-sdk/client-kinesis';
import { type Clock, systemClock } from '../clock';
import { compareSequenceNumbers } from '../sequence-number';

/** The commands the fake answers. */
export type FakeKinesisCommand = 'ListShards' | 'GetShardIterator' | 'GetRecords';

/** Options of {@link InMemoryKinesis}. */
export interface InMemoryKinesisOptions {
  /**
   * Source of `ApproximateArrivalTimestamp`.
   * @default systemClock
   */
  readonly clock?: Clock;
  /**
   * Shards per ListShards page (to exercise `NextToken`).
   * @default 100
   */
  readonly listShardsPageSize?: number;
  /**
   * Reject `AT_SEQUENCE_NUMBER` / `AFTER_SEQUENCE_NUMBER` iterators for a sequence number the shard does not hold,
   * with `ResourceNotFoundException`, as kinesis-local does (e.g. after it lost records in a crash).
   * @default false - any sequence number positions the iterator, like Kinesis within a shard's range
   */
  readonly rejectUnknownSequenceNumbers?: boolean;
}

/** What {@link InMemoryKinesis.putRecord} stores. */
export interface FakePutRecordInput {
  readonly data: Uint8Array | string;
  readonly partitionKey: string;
  /** Put into this shard instead of hashing the partition key over the open shards. */
  readonly shardId?: string;
}

interface FakeShard {
  readonly shardId: string;
  readonly parentShardId: string | undefined;
  readonly startingSequenceNumber: string;
  closed: boolean;
  readonly records: _Record[];
}

interface FakeStream {
  readonly name: string;
  readonly shards: FakeShard[];
}

/** An AWS-style service error (`name` is the exception type, like the SDK's). */
export class FakeKinesisServiceError extends Error {
  constructor(name: string, message: string) {
    super(message);
    this.name = name;
  }
}

/** A real-looking 56-digit sequence number; they grow with `counter` and have gaps, like Kinesis's. */
const SEQUENCE_BASE = 49_590_338_271_490_256_608_559_692_538_361_571_095_921_575_989_136_588_898n;
const SEQUENCE_STEP = 10n ** 22n;

/**
 * An in-memory Kinesis that answers only ListShards (paginated), GetShardIterator (all five iterator types)
 * and GetRecords through `send()`, for unit tests of stream consumers. Streams, records and resharding are set
 * up directly.
 *
 * @example
 * const kinesis = new InMemoryKinesis({ clock });
 * kinesis.createStream('words', 2);
 * kinesis.putRecord('words', { data: 'hello', partitionKey: 'a' });
 * new KinesisEventSourceMapping({ kinesis, streamName: 'words', handler });
 */
export class InMemoryKinesis {
  /** Stands in for `KinesisClient.send`. */
  readonly send: KinesisClient['send'];
  /** The commands received, in order. */
  readonly commandLog: FakeKinesisCommand[] = [];
  readonly #clock: Clock;
  readonly #pageSize: number;
  readonly #rejectUnknownSequenceNumbers: boolean;
  readonly #streams = new Map<string, FakeStream>();
  readonly #failures: { command: FakeKinesisCommand; error: Error }[] = [];
  #sequenceCounter = 0n;
  #shardCounter = 0;
  #outage: Error | undefined;

  constructor(options: InMemoryKinesisOptions = {}) {
    this.#clock = options.clock ?? systemClock;
    this.#pageSize = options.listShardsPageSize ?? 100;
    this.#rejectUnknownSequenceNumbers = options.rejectUnknownSequenceNumbers ?? false;
    this.send = ((command: unknown) => this.#handle(command)) as KinesisClient['send'];
  }

  /** Creates a stream with `shardCount` open shards; returns their ids. */
  createStream(name: string, shardCount = 1): string[] {
    const stream: FakeStream = { name, shards: [] };
    this.#streams.set(name, stream);
    return Array.from({ length: shardCount }, () => this.#newShard(stream, undefined));
  }

  /** Adds an open shard; with `parentShardId` the parent is closed first (a resharding). */
  addShard(streamName: string, parentShardId?: string): string {
    const stream = this.#stream(streamName);
    if (parentShardId !== undefined) this.#shard(stream, parentShardId).closed = true;
    return this.#newShard(stream, parentShardId);
  }

  /** Appends a record; returns where it went. */
  putRecord(streamName: string, input: FakePutRecordInput): { shardId: string; sequenceNumber: string } {
    const stream = this.#stream(streamName);
    const shard =
      input.shardId === undefined
        ? this.#route(stream, input.partitionKey)
        : this.#shard(stream, input.shardId);
    if (shard.closed)
      throw new FakeKinesisServiceError('InvalidArgumentException', `${shard.shardId} is closed`);
    this.#sequenceCounter += 1n;
    const sequenceNumber = (SEQUENCE_BASE + this.#sequenceCounter * SEQUENCE_STEP).toString();
    const data = typeof input.data === 'string' ? new TextEncoder().encode(input.data) : input.data;
    shard.records.push({
      SequenceNumber: sequenceNumber,
      ApproximateArrivalTimestamp: new Date(this.#clock.now()),
      Data: new Uint8Array(data),
      PartitionKey: input.partitionKey,
    });
    return { shardId: shard.shardId, sequenceNumber };
  }

  /** Makes the next call of `command` fail with `error` (queued, once each). */
  failNext(command: FakeKinesisCommand, error: Error): void {
    this.#failures.push({ command, error });
  }

  /**
   * Starts (with an error) or ends (with `undefined`) an outage: while it lasts every call fails with that
   * error, as when the emulator process is down.
   */
  setOutage(error: Error | undefined): void {
    this.#outage = error;
  }

  async #handle(command: unknown): Promise<unknown> {
    await Promise.resolve();
    if (command instanceof ListShardsCommand) return this.#listShards(command.input);
    if (command instanceof GetShardIteratorCommand) return this.#getShardIterator(command.input);
    if (command instanceof GetRecordsCommand)
      return this.#getRecords(command.input.ShardIterator, command.input.Limit);
    throw new Error(`InMemoryKinesis does not implement ${describeCommand(command)}`);
  }

  #takeFailure(command: FakeKinesisCommand): void {
    this.commandLog.push(command);
    if (this.#outage !== undefined) throw this.#outage;
    const index = this.#failures.findIndex((failure) => failure.command === command);
    if (index === -1) return;
    const [failure] = this.#failures.splice(index, 1);
    if (failure !== undefined) throw failure.error;
  }

  #listShards(input: ListShardsCommandInput): ListShardsCommandOutput {
    this.#takeFailure('ListShards');
    if (input.NextToken !== undefined && input.StreamName !== undefined) {
      throw new FakeKinesisServiceError(
        'InvalidArgumentException',
        'NextToken and StreamName cannot be used together',
      );
    }
    const [streamName, offsetText] =
      input.NextToken === undefined ? [input.StreamName ?? '', '0'] : decodeToken(input.NextToken);
    const stream = this.#stream(streamName);
    const offset = Number(offsetText);
    const page = stream.shards.slice(offset, offset + this.#pageSize).map((shard): Shard => ({
      ShardId: shard.shardId,
      ...(shard.parentShardId === undefined ? {} : { ParentShardId: shard.parentShardId }),
      HashKeyRange: { StartingHashKey: '0', EndingHashKey: '340282366920938463463374607431768211455' },
      SequenceNumberRange: {
        StartingSequenceNumber: shard.startingSequenceNumber,
        ...(shard.closed
          ? { EndingSequenceNumber: shard.records.at(-1)?.SequenceNumber ?? shard.startingSequenceNumber }
          : {}),
      },
    }));
    const next = offset + this.#pageSize;
    return {
      Shards: page,
      ...(next < stream.shards.length ? { NextToken: encodeToken([stream.name, String(next)]) } : {}),
      $metadata: {},
    };
  }

  #getShardIterator(input: GetShardIteratorCommandInput): GetShardIteratorCommandOutput {
    this.#takeFailure('GetShardIterator');
    const stream = this.#stream(input.StreamName ?? '');
    const shard = this.#shard(stream, input.ShardId ?? '');
    const records = shard.records;
    let position: number;
    switch (input.ShardIteratorType) {
      case 'TRIM_HORIZON':
        position = 0;
        break;
      case 'LATEST':
        position = records.length;
        break;
      case 'AT_SEQUENCE_NUMBER':
      case 'AFTER_SEQUENCE_NUMBER': {
        const target = input.StartingSequenceNumber ?? '0';
        const after = input.ShardIteratorType === 'AFTER_SEQUENCE_NUMBER';
        const known = records.some(
          (record) => compareSequenceNumbers(record.SequenceNumber ?? '0', target) === 0,
        );
        if (this.#rejectUnknownSequenceNumbers && !known) {
          throw new FakeKinesisServiceError(
            'ResourceNotFoundException',
            `Unable to find record with provided SequenceNumber SequenceNumber(${target}) in stream Some(${stream.name})`,
          );
        }
        const found = records.findIndex((record) => {
          const order = compareSequenceNumbers(record.SequenceNumber ?? '0', target);
          return after ? order > 0 : order >= 0;
        });
        position = found === -1 ? records.length : found;
        break;
      }
      case 'AT_TIMESTAMP': {
        const at = input.Timestamp?.getTime() ?? 0;
        const found = records.findIndex(
          (record) => (record.ApproximateArrivalTimestamp?.getTime() ?? 0) >= at,
        );
        position = found === -1 ? records.length : found;
        break;
      }
      default:
        throw new FakeKinesisServiceError(
          'InvalidArgumentException',
          `unsupported ShardIteratorType ${input.ShardIteratorType}`,
        );
    }
    return { ShardIterator: encodeToken([stream.name, shard.shardId, String(position)]), $metadata: {} };
  }

  #getRecords(iterator: string | undefined, limit: number | undefined): GetRecordsCommandOutput {
    this.#takeFailure('GetRecords');
    const max = limit ?? 10_000;
    if (max < 1 || max > 10_000) {
      throw new FakeKinesisServiceError(
        'InvalidArgumentException',
        `Limit must be between 1 and 10000 (given ${max})`,
      );
    }
    const [streamName, shardId, positionText] = decodeToken(iterator ?? '');
    const shard = this.#shard(this.#stream(streamName), shardId);
    const position = Number(positionText);
    const records = shard.records.slice(position, position + max).map(copyRecord);
    const next = position + records.length;
    const nextUnread = shard.records[next];
    const atEnd = shard.closed && next >= shard.records.length;
    return {
      Records: records,
      ...(atEnd ? {} : { NextShardIterator: encodeToken([streamName, shardId, String(next)]) }),
      MillisBehindLatest:
        nextUnread === undefined
          ? 0
          : Math.max(1, this.#clock.now() - (nextUnread.ApproximateArrivalTimestamp?.getTime() ?? 0)),
      $metadata: {},
    };
  }

  #newShard(stream: FakeStream, parentShardId: string | undefined): string {
    const shardId = `shardId-${String(this.#shardCounter).padStart(12, '0')}`;
    this.#shardCounter += 1;
    stream.shards.push({
      shardId,
      parentShardId,
      startingSequenceNumber: (SEQUENCE_BASE + this.#sequenceCounter * SEQUENCE_STEP).toString(),
      closed: false,
      records: [],
    });
    return shardId;
  }

  #route(stream: FakeStream, partitionKey: string): FakeShard {
    const open = stream.shards.filter((shard) => !shard.closed);
    const hash = BigInt(`0x${createHash('md5').update(partitionKey).digest('hex')}`);
    const shard = open[Number(hash % BigInt(open.length || 1))];
    if (shard === undefined) throw new FakeKinesisServiceError('InvalidArgumentException', 'no open shard');
    return shard;
  }

  #stream(name: string): FakeStream {
    const stream = this.#streams.get(name);
    if (stream === undefined) {
      throw new FakeKinesisServiceError(
        'ResourceNotFoundException',
        `Stream ${name} under account 000000000000 not found.`,
      );
    }
    return stream;
  }

  #shard(stream: FakeStream, shardId: string): FakeShard {
    const shard = stream.shards.find((candidate) => candidate.shardId === shardId);
    if (shard === undefined) {
      throw new FakeKinesisServiceError(
        'ResourceNotFoundException',
        `Shard ${shardId} in stream ${stream.name} not found.`,
      );
    }
    return shard;
  }
}

function copyRecord(record: _Record): _Record {
  return {
    ...record,
    ...(record.ApproximateArrivalTimestamp === undefined
      ? {}
      : { ApproximateArrivalTimestamp: new Date(record.ApproximateArrivalTimestamp.getTime()) }),
    ...(record.Data === undefined ? {} : { Data: new Uint8Array(record.Data) }),
  };
}

function encodeToken(parts: readonly string[]): string {
  return Buffer.from(JSON.stringify(parts)).toString('base64');
}

function decodeToken(token: string): [string, string, string] {
  let parts: unknown;
  try {
    parts = JSON.parse(Buffer.from(token, 'base64').toString('utf8'));
  } catch {
    parts = undefined;
  }
  if (!Array.isArray(parts) || !parts.every((part) => typeof part === 'string')) {
    throw new FakeKinesisServiceError('InvalidArgumentException', `invalid token ${token}`);
  }
  const [first = '', second = '', third = ''] = parts;
  return [first, second, third];
}

function describeCommand(command: unknown): string {
  return typeof command === 'object' && command !== null ? command.constructor.name : String(command);
}
