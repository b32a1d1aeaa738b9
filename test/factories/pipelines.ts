import { decodeUtf8, pipeline, type DStream } from '../../lib/core';

/** A pipeline of decoded text lines, for operator specs: `lines(name).<operator>…`. */
export function lines(name = 'spec'): DStream<string> {
  return pipeline(name)
    .fromKinesis()
    .map((record) => decodeUtf8(record.value));
}

/**
 * Lines `"<key> <kib>"`: each appends `kib` KiB of padding to its key's state (`updateStateByKey`
 * named `padding`), so small records make states of any size (above DynamoDB's 400 KB item limit,
 * or past `MAX_STATE_BYTES`).
 */
export function paddingPipeline(name: string) {
  return pipeline(name)
    .fromKinesis()
    .map((record) => decodeUtf8(record.value).split(' '))
    .mapToPair(([key, kib]): readonly [string, number] => [key ?? '', Number(kib)])
    .updateStateByKey<string>(
      (sizes, state = '') => state + sizes.map((kib) => '.'.repeat(kib * 1024)).join(''),
      { name: 'padding' },
    )
    .print(1);
}

/** Lines `"<eventTimeMs> <word>"` as `[word, 1]` pairs stamped with their event time, for window specs. */
export function timedWordPairs(name: string) {
  return pipeline(name)
    .fromKinesis()
    .map((record) => decodeUtf8(record.value).split(' '))
    .withTimestamps(([time]) => Number(time))
    .mapToPair(([, word]): readonly [string, number] => [word ?? '', 1]);
}
