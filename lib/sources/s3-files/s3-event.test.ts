import type { S3Event, S3EventRecord } from 'aws-lambda';
import { describe, expect, it } from 'vitest';
import fixture from '../../../test/fixtures/s3-event.json';
import { ErrorCode } from '../../core';
import { s3EventToObjects } from './s3-event';

const event = fixture as S3Event;
const [record] = event.Records as [S3EventRecord];

/** The fixture's record with overrides of its object. */
function withObject(
  object: Partial<S3EventRecord['s3']['object']>,
  eventName = record.eventName,
): S3EventRecord {
  return { ...record, eventName, s3: { ...record.s3, object: { ...record.s3.object, ...object } } };
}

describe('Function: s3EventToObjects', () => {
  it('decodes the fixture notification: bucket, key (+ is a space, %2B a plus), ETag, event time', () => {
    // Act
    const objects = s3EventToObjects(event);

    // Assess
    expect(objects).toEqual([
      {
        bucket: 'sparkless-input',
        key: 'input/hamlet act 1+scene 2.txt',
        eTag: '4fa0c8e365cb3806502e0504f4912d64',
        versionId: undefined,
        eventTime: Date.parse('2026-11-21T14:03:27.192Z'),
      },
    ]);
  });

  it('keeps the version id of a versioned bucket', () => {
    // Act
    const [object] = s3EventToObjects({
      Records: [withObject({ versionId: '3HL4kqtJlcpXroDTDmjVBH40Nrjfkd' })],
    });

    // Assess
    expect(object?.versionId).toBe('3HL4kqtJlcpXroDTDmjVBH40Nrjfkd');
  });

  it('reads every ObjectCreated record in order and leaves other events out', () => {
    // Prepare
    const records = [
      withObject({ key: 'input/a.txt' }, 'ObjectCreated:CompleteMultipartUpload'),
      withObject({ key: 'input/b.txt' }, 'ObjectRemoved:Delete'),
      withObject({ key: 'input/c.txt' }, 'ObjectCreated:Copy'),
    ];

    // Act
    const objects = s3EventToObjects({ Records: records });

    // Assess
    expect(objects.map((object) => object.key)).toEqual(['input/a.txt', 'input/c.txt']);
  });

  it("yields nothing for S3's test event", () => {
    // Prepare
    const testEvent = { Service: 'Amazon S3', Event: 's3:TestEvent', Bucket: 'sparkless-input' };

    // Act / Assess
    expect(s3EventToObjects(testEvent as unknown as S3Event)).toEqual([]);
  });

  it('refuses an event that is not an S3 notification, naming the fix', () => {
    // Act
    const act = () => s3EventToObjects({} as S3Event);

    // Assess
    expect(act).toThrow(/wire it to S3 ObjectCreated notifications/);
    expect(act).toThrow(expect.objectContaining({ code: ErrorCode.InvalidConfiguration }));
  });
});
