import { createKinesisHandler } from '../../lib/handlers';
import { windowHotWord } from '../pipelines/window-hot-word';

/**
 * Lambda entry point of WindowHotWord: Kinesis batches (ReportBatchItemFailures) and the window
 * trigger's `{ "sparkless": "tick" }`, which fires due windows on idle streams.
 */
export const handler = createKinesisHandler(windowHotWord);
