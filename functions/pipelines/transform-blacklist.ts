import { decodeUtf8, pipeline, pipelineBucketJson, referenceData } from '../../lib/core';

/** Where the blacklist lives in the pipeline's bucket: a JSON array of user names. */
export const BLACKLIST_KEY = 'reference/blacklist.json';

/** The blacklist: user names whose ad clicks are not billed (loaded from S3, refreshed every minute). */
export const blacklist = referenceData<ReadonlyMap<string, true>>('blacklist', {
  source: pipelineBucketJson(BLACKLIST_KEY),
  refreshIntervalMs: 60_000,
  parse: (names) => new Map((names as string[]).map((name) => [name, true] as const)),
});

/**
 * The seed's TransformBlacklist: ad click logs (`"<date> <user>"`) keyed by user, left-outer-
 * joined with the blacklist, blacklisted users filtered out, the remaining logs printed.
 */
export const transformBlacklist = pipeline('transform-blacklist')
  .fromKinesis()
  .map((record) => decodeUtf8(record.value))
  .mapToPair((log) => [log.split(' ')[1] ?? '', log])
  .leftOuterJoin(blacklist)
  .filter(([, [, blacklisted]]) => blacklisted !== true)
  .map(([, [log]]) => log)
  .print();
