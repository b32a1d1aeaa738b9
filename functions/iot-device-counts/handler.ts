import { createKinesisHandler } from '../../lib/handlers';
import { iotDeviceCounts } from '../pipelines/iot-device-counts';

/**
 * Lambda entry point of the IoT device counts (Kinesis event source, ReportBatchItemFailures); writes
 * into the result table named by `SPARKLESS_RESULT_TABLE`.
 */
export const handler = createKinesisHandler(iotDeviceCounts);
