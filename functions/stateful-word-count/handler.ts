import { createKinesisHandler } from '../../lib/handlers';
import { statefulWordCount } from '../pipelines/stateful-word-count';

/** Lambda entry point of the stateful word count (Kinesis event source, ReportBatchItemFailures). */
export const handler = createKinesisHandler(statefulWordCount);
