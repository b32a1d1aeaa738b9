import type { S3Event, S3EventRecord } from 'aws-lambda';
import { describe, expect, it } from 'vitest';
import fixture from '../../../test/fixtures/s3-event.json';
import { ErrorCode } from '../../core';
import samPut from '../../../test/fixtures/published/sam-s3-put.json';
import { parseS3Event, s3EventToObjects } from './s3-event';

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

  it("reads SAM's published ObjectCreated:Put sample", () => {
    expect(s3EventToObjects(samPut as S3Event)).toEqual([
      {
        bucket: 'example-bucket',
        key: 'test/key',
        eTag: '0123456789abcdef0123456789abcdef',
        versionId: undefined,
        eventTime: 0,
      },
    ]);
  });
});

describe('Function: parseS3Event (malformed records)', () => {
  const [sample] = (samPut as S3Event).Records as [S3EventRecord];
  const variant = (
    change: (record: Record<string, unknown> & { s3: Record<string, unknown> }) => void,
  ): unknown => {
    const copy = structuredClone(sample) as unknown as Record<string, unknown> & {
      s3: Record<string, unknown>;
    };
    change(copy);
    return copy;
  };
  const cases: ReadonlyArray<readonly [string, unknown, string]> = [
    ['a record without s3', variant((r) => delete (r as Partial<typeof r>).s3), 's3'],
    ['a record without a bucket name', variant((r) => (r.s3.bucket = {})), 's3.bucket.name'],
    ['a record without a key', variant((r) => (r.s3.object = { eTag: 'abc' })), 's3.object.key'],
    [
      'a key that is not URL encoding',
      variant((r) => (r.s3.object = { key: 'input/%E0%A4%A.txt' })),
      's3.object.key',
    ],
    ['a record without eventName', variant((r) => delete r.eventName), 'eventName'],
    ['a record that is null', null, 'record'],
  ];

  it.each(cases)(
    'sets aside %s with the field at fault and its JSON, and reads the rest',
    (_, bad, field) => {
      // Act
      const { objects, malformed } = parseS3Event({ Records: [sample, bad, sample] } as S3Event);

      // Assess
      expect(objects.map((object) => object.key)).toEqual(['test/key', 'test/key']);
      expect(malformed).toHaveLength(1);
      expect(malformed[0]?.error).toMatchObject({ code: ErrorCode.MalformedEnvelope, field });
      expect(malformed[0]?.id).toMatch(/^unattributed\/envelope-[0-9a-f]{32}$/);
      expect(JSON.parse(new TextDecoder().decode(malformed[0]?.json))).toEqual(bad);
    },
  );
});
