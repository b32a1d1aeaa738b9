import type { KinesisStreamEvent } from 'aws-lambda';
import { describe, expect, it } from 'vitest';
import event from '../../../test/fixtures/kinesis-event.json';
import { kinesisEventToRecords } from './kinesis-event';

describe('Function: kinesisEventToRecords', () => {
  it('groups records by shard with offsets as strings and arrival time in ms', () => {
    // Act
    const byShard = kinesisEventToRecords(event as KinesisStreamEvent);

    // Assess
    const records = byShard.get('shardId-000000000006') ?? [];
    expect([...byShard.keys()]).toEqual(['shardId-000000000006']);
    expect(records.map((record) => record.offset)).toEqual([
      '49590338271490256608559692538361571095921575989136588898',
      '49590338271490256608559692540925702759324208523137515618',
      '49590338271490256608559692540925702759324208523137515619',
    ]);
    expect(new TextDecoder().decode(records[0]?.value)).toBe('to be or not to be');
    expect(records[0]).toMatchObject({ key: 'user-1', arrivalTime: 1545084650987 });
  });

  it('refuses an event that is not from Kinesis with a message naming the fix', () => {
    expect(() => kinesisEventToRecords({} as KinesisStreamEvent)).toThrow(/Kinesis event source mapping/);
  });
});
