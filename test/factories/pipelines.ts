import { decodeUtf8, pipeline, type DStream } from '../../lib/core';

/** A pipeline of decoded text lines, for operator specs: `lines(name).<operator>…`. */
export function lines(name = 'spec'): DStream<string> {
  return pipeline(name)
    .fromKinesis()
    .map((record) => decodeUtf8(record.value));
}
