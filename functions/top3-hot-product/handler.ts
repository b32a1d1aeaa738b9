import { createKinesisHandler } from '../../lib/handlers';
import { top3HotProduct } from '../pipelines/top3-hot-product';

/**
 * Lambda entry point of Top3HotProduct: Kinesis batches (ReportBatchItemFailures) and the window
 * trigger's `{ "sparkless": "tick" }`, which fires due windows on idle streams.
 */
export const handler = createKinesisHandler(top3HotProduct);
