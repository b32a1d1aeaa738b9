import { EMULATOR_ENGINES, type EmulatedService } from './constants.js';
import type { HealthReport, ServiceStatus } from './types.js';

/** Builds the health route's body from whether each service's emulator process is alive. */
export function healthReport(
  region: string,
  running: Readonly<Record<EmulatedService, boolean>>,
): HealthReport {
  const status = (alive: boolean): ServiceStatus => (alive ? 'running' : 'error');
  return {
    services: {
      kinesis: status(running.kinesis),
      dynamodb: status(running.dynamodb),
      s3: status(running.s3),
    },
    engines: EMULATOR_ENGINES,
    edition: 'embedded',
    region,
  };
}
