import { createKinesisHandler } from '../../lib/handlers';
import { wordCount } from '../pipelines/word-count';

/** Lambda entry point of the word count (per-batch counts, printed; Kinesis event source, ReportBatchItemFailures). */
export const handler = createKinesisHandler(wordCount);
