import { createHash } from 'node:crypto';
import { encodeOffsetKey, type MalformedEnvelopeError } from '../core';

/** The dead-letter partition of a malformed envelope whose partition cannot be told. */
export const UNATTRIBUTED_PARTITION = 'unattributed';

/**
 * A record of an event whose envelope could not be read (see {@link MalformedEnvelopeError}): it is
 * dead-lettered with its JSON instead of being processed, and the rest of the event goes on.
 */
export interface MalformedEnvelope {
  /**
   * The dead-letter id, deterministic so that a redelivery rewrites the same entry:
   * `<partition>/record-<offset key>` when the partition and offset are usable (the id a record
   * dead-letter of that position has), else `<partition>/envelope-<hash of the JSON>`, with
   * {@link UNATTRIBUTED_PARTITION} as the partition when it cannot be told.
   */
  readonly id: string;
  /** The partition id, or {@link UNATTRIBUTED_PARTITION}. */
  readonly partition: string;
  /**
   * The record's offset (decimal) when its envelope carries a usable one.
   *
   * @default absent
   */
  readonly offset?: string;
  /** What is wrong, with the field at fault. */
  readonly error: MalformedEnvelopeError;
  /** The record as the event carried it, serialized as JSON (UTF-8). */
  readonly json: Uint8Array;
}

/** Builds a {@link MalformedEnvelope} for `record`, with its deterministic dead-letter id. */
export function malformedEnvelope(
  record: unknown,
  error: MalformedEnvelopeError,
  position: { readonly partition?: string; readonly offset?: string } = {},
): MalformedEnvelope {
  const json = Buffer.from(JSON.stringify(record) ?? 'null', 'utf8');
  const partition = position.partition ?? UNATTRIBUTED_PARTITION;
  const id =
    position.partition !== undefined && position.offset !== undefined
      ? `${partition}/record-${encodeOffsetKey(position.offset)}`
      : `${partition}/envelope-${createHash('sha256').update(json).digest('hex').slice(0, 32)}`;
  return {
    id,
    partition,
    ...(position.offset === undefined ? {} : { offset: position.offset }),
    error,
    json: new Uint8Array(json.buffer, json.byteOffset, json.length),
  };
}

/** Whether an envelope field is a JSON object (not null, not an array). */
export function isJsonObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
