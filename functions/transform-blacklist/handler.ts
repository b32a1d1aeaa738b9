import { createKinesisHandler } from '../../lib/handlers';
import { transformBlacklist } from '../pipelines/transform-blacklist';

/**
 * Lambda entry point of TransformBlacklist (Kinesis event source, ReportBatchItemFailures); reads the
 * blacklist from `reference/blacklist.json` in the pipeline's bucket.
 */
export const handler = createKinesisHandler(transformBlacklist);
