import { createKinesisHandler } from '../../lib/handlers';
import { persistWordCount } from '../pipelines/persist-word-count';

/**
 * Lambda entry point of PersistWordCount (Kinesis event source, ReportBatchItemFailures); writes into
 * the result table named by `SPARKLESS_RESULT_TABLE`.
 */
export const handler = createKinesisHandler(persistWordCount);
