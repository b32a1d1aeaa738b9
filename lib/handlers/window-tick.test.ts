import { describe, expect, it } from 'vitest';
import kinesisFixture from '../../test/fixtures/kinesis-event.json';
import scheduledEvent from '../../test/fixtures/published/sam-cloudwatch-scheduled-event.json';
import samPut from '../../test/fixtures/published/sam-s3-put.json';
import { ErrorCode } from '../core';
import { isRecordsEvent, isWindowTick, unexpectedEventError, WINDOW_TICK } from './window-tick';

describe('Function: isRecordsEvent', () => {
  it("tells a source's records from another source's and from events without Records", () => {
    expect(isRecordsEvent(kinesisFixture, 'aws:kinesis')).toBe(true);
    expect(isRecordsEvent(samPut, 'aws:kinesis')).toBe(false);
    expect(isRecordsEvent(samPut, 'aws:s3')).toBe(true);
    expect(isRecordsEvent(scheduledEvent, 'aws:kinesis')).toBe(false);
    expect(isRecordsEvent({ Records: [] }, 'aws:kinesis')).toBe(true);
    expect(isRecordsEvent({ Records: [{ kinesis: {} }] }, 'aws:kinesis')).toBe(true);
    expect(isRecordsEvent(null, 'aws:kinesis')).toBe(false);
  });
});

describe('Function: unexpectedEventError', () => {
  it.each([
    [
      'an EventBridge scheduled rule',
      scheduledEvent,
      /an EventBridge event \("Scheduled Event" from aws\.events\)/,
    ],
    ['an EventBridge Scheduler schedule without input', {}, /an empty event \{\}/],
    ["another source's records", samPut, /records from aws:s3/],
    ['a string', 'tick', /a string event/],
  ])('names what arrived (%s), the expected input and the tick', (_, event, arrived) => {
    // Act
    const error = unexpectedEventError(event, 'a Kinesis batch');

    // Assess
    expect(error.code).toBe(ErrorCode.InvalidConfiguration);
    expect(error.message).toMatch(arrived);
    expect(error.message).toContain(
      'neither a Kinesis batch nor the scheduled window trigger {"sparkless":"tick"}',
    );
    expect(isWindowTick(JSON.parse(JSON.stringify(WINDOW_TICK)))).toBe(true);
  });
});
