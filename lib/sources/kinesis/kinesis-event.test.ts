import type { KinesisStreamEvent } from 'aws-lambda';
import { describe, expect, it } from 'vitest';
import event from '../../../test/fixtures/kinesis-event.json';
import oneRecord from '../../../test/fixtures/published/powertools-kinesis-stream-one-record.json';
import samEvent from '../../../test/fixtures/published/sam-kinesis-get-records.json';
import { ErrorCode, InvalidConfigurationError } from '../../core';
import { parseKinesisEvent } from './kinesis-event';
import { kinesisPartitionId } from './partition-id';

type Envelope = KinesisStreamEvent['Records'][number];

const STREAM = 'arn:aws:kinesis:us-east-2:123456789012:stream/lambda-stream';
const SHARD_6 = kinesisPartitionId(STREAM, 'shardId-000000000006');
const template = oneRecord.Records[0] as Envelope;

/** The published Powertools record with some of its fields replaced. */
function variant(
  change: (record: Record<string, unknown> & { kinesis: Record<string, unknown> }) => void,
): unknown {
  const record = structuredClone(template) as unknown as Record<string, unknown> & {
    kinesis: Record<string, unknown>;
  };
  change(record);
  return record;
}

/** The published record moved `n` sequence numbers on. */
function shifted(n: number): Envelope {
  const sequenceNumber = (BigInt(template.kinesis.sequenceNumber) + BigInt(n)).toString();
  return {
    ...template,
    eventID: `shardId-000000000006:${sequenceNumber}`,
    kinesis: { ...template.kinesis, sequenceNumber },
  };
}

describe('Function: parseKinesisEvent', () => {
  describe('published sample events', () => {
    it("reads Powertools' sample record: stream-and-shard partition, decimal offset, bytes, arrival in ms", () => {
      // Act
      const { shards, malformed } = parseKinesisEvent(oneRecord);

      // Assess
      expect(malformed).toEqual([]);
      expect(shards).toHaveLength(1);
      expect(shards[0]).toMatchObject({
        partition: SHARD_6,
        shardId: 'shardId-000000000006',
        eventSourceArn: STREAM,
      });
      const record = shards[0]?.records[0];
      expect(record).toMatchObject({
        partition: SHARD_6,
        offset: '49590338271490256608559692538361571095921575989136588898',
        key: '1',
        arrivalTime: 1545084650987,
      });
      expect(JSON.parse(new TextDecoder().decode(record?.value))).toEqual({
        message: 'test message',
        username: 'test',
      });
    });

    it("reads SAM's generated sample, whose eventSourceARN is the placeholder arn:aws:kinesis:EXAMPLE", () => {
      // Act
      const { shards, malformed } = parseKinesisEvent(samEvent);

      // Assess
      expect(malformed).toEqual([]);
      expect(shards.map((shard) => shard.partition)).toEqual([
        kinesisPartitionId('arn:aws:kinesis:EXAMPLE', 'shardId-000000000000'),
      ]);
      expect(new TextDecoder().decode(shards[0]?.records[0]?.value)).toBe('Hello, this is a test 123.');
    });

    it('keeps delivery order and groups by shard', () => {
      // Act
      const { shards } = parseKinesisEvent(event);

      // Assess
      expect(shards.map((shard) => shard.partition)).toEqual([SHARD_6]);
      expect(shards[0]?.records.map((record) => record.offset)).toEqual([
        '49590338271490256608559692538361571095921575989136588898',
        '49590338271490256608559692540925702759324208523137515618',
        '49590338271490256608559692540925702759324208523137515619',
      ]);
    });
  });

  describe('partition identity', () => {
    it('gives the same shard of two streams two partitions', () => {
      // Prepare
      const other = {
        ...shifted(1),
        eventSourceARN: 'arn:aws:kinesis:us-east-2:123456789012:stream/other-stream',
      };

      // Act
      const { shards } = parseKinesisEvent({ Records: [shifted(0), other] });

      // Assess
      expect(shards.map((shard) => shard.records.length)).toEqual([1, 1]);
      expect(new Set(shards.map((shard) => shard.partition)).size).toBe(2);
    });

    it('never merges shards: an eventID without a colon is malformed, not a partition', () => {
      // Act
      const { shards, malformed } = parseKinesisEvent({
        Records: [shifted(0), { ...shifted(1), eventID: 'shardId-000000000007' }],
      });

      // Assess
      expect(shards.map((shard) => shard.records.length)).toEqual([1]);
      expect(malformed.map((entry) => entry.error.field)).toEqual(['eventID']);
    });
  });

  describe('malformed envelopes', () => {
    const cases: ReadonlyArray<readonly [string, unknown, string]> = [
      ['a record without kinesis', variant((r) => delete (r as Partial<typeof r>).kinesis), 'kinesis'],
      ['a record without eventID', variant((r) => delete r.eventID), 'eventID'],
      ['a record without eventSourceARN', variant((r) => delete r.eventSourceARN), 'eventSourceARN'],
      ['a record without data', variant((r) => delete r.kinesis.data), 'kinesis.data'],
      [
        'non-base64 data Node would read leniently',
        variant((r) => (r.kinesis.data = 'd2!!9y ZA==')),
        'kinesis.data',
      ],
      ['base64 with a line break', variant((r) => (r.kinesis.data = 'd29y\nZA==')), 'kinesis.data'],
      ['base64 without padding', variant((r) => (r.kinesis.data = 'd29yZA')), 'kinesis.data'],
      ['URL-safe base64', variant((r) => (r.kinesis.data = '-_8=')), 'kinesis.data'],
      [
        'base64 with non-zero bits after the last byte',
        variant((r) => (r.kinesis.data = 'd29yZB==')),
        'kinesis.data',
      ],
      [
        'a non-numeric sequence number',
        variant((r) => (r.kinesis.sequenceNumber = 'abc')),
        'kinesis.sequenceNumber',
      ],
      [
        'a sequence number with leading zeros',
        variant((r) => (r.kinesis.sequenceNumber = '0042')),
        'kinesis.sequenceNumber',
      ],
      [
        'a numeric sequence number',
        variant((r) => (r.kinesis.sequenceNumber = 42)),
        'kinesis.sequenceNumber',
      ],
      [
        'an eventID naming another sequence number',
        variant((r) => (r.eventID = 'shardId-000000000006:1')),
        'eventID',
      ],
      [
        'a shard id with a slash',
        variant((r) => (r.eventID = `shard/6:${template.kinesis.sequenceNumber}`)),
        'eventID',
      ],
      [
        'no arrival time',
        variant((r) => delete r.kinesis.approximateArrivalTimestamp),
        'kinesis.approximateArrivalTimestamp',
      ],
      ['a record that is null', null, 'record'],
      ['a record that is a string', 'shardId-000000000006', 'record'],
    ];

    it.each(cases)('sets aside %s with the field at fault and processes the rest', (_, bad, field) => {
      // Act
      const { shards, malformed } = parseKinesisEvent({ Records: [shifted(-1), bad, shifted(1)] });

      // Assess
      expect(shards.flatMap((shard) => shard.records.map((record) => record.offset))).toEqual([
        shifted(-1).kinesis.sequenceNumber,
        shifted(1).kinesis.sequenceNumber,
      ]);
      expect(malformed).toHaveLength(1);
      expect(malformed[0]?.error).toMatchObject({ code: ErrorCode.MalformedEnvelope, field });
      expect(JSON.parse(new TextDecoder().decode(malformed[0]?.json))).toEqual(bad);
    });

    it('names a dead letter by partition and offset when both are usable, else by a hash of its JSON', () => {
      // Prepare
      const noData = variant((r) => delete r.kinesis.data);
      const badSequence = variant((r) => (r.kinesis.sequenceNumber = 'abc'));
      const noEventId = variant((r) => delete r.eventID);

      // Act
      const first = parseKinesisEvent({ Records: [noData, badSequence, noEventId] }).malformed;
      const again = parseKinesisEvent({ Records: [noEventId, badSequence, noData] }).malformed;

      // Assess: a redelivery, however cut, rewrites the same entries
      expect(first.map((entry) => entry.id)).toEqual([
        `${SHARD_6}/record-056${template.kinesis.sequenceNumber}`,
        expect.stringMatching(new RegExp(`^${SHARD_6.replace('.', '\\.')}/envelope-[0-9a-f]{32}$`)),
        expect.stringMatching(/^unattributed\/envelope-[0-9a-f]{32}$/),
      ]);
      expect(new Set(again.map((entry) => entry.id))).toEqual(new Set(first.map((entry) => entry.id)));
      expect(first.map((entry) => entry.offset)).toEqual([
        template.kinesis.sequenceNumber,
        undefined,
        undefined,
      ]);
    });
  });

  it('refuses an event without Records', () => {
    expect(() => parseKinesisEvent({})).toThrow(InvalidConfigurationError);
  });
});
