/**
 * The embedded local stack: Kinesis, DynamoDB and S3 emulators behind one LocalStack-style endpoint,
 * for machines without Docker.
 */
export {
  DEFAULT_DATA_DIR,
  DEFAULT_PORT,
  DEFAULT_REGION,
  EMULATOR_ENGINES,
  EmulatedService,
  HEALTH_PATH,
  LOCAL_CREDENTIALS,
} from './constants.js';
export {
  EmulatorStartError,
  type EmulatorStartErrorCode,
  EmulatorStopError,
  LocalStackError,
  LocalStackErrorCode,
  PortInUseError,
} from './errors.js';
export { startEmbeddedStack } from './start-embedded-stack.js';
export type {
  EmbeddedStack,
  EmbeddedStackOptions,
  EmulatorEndpoint,
  HealthReport,
  ServiceStatus,
} from './types.js';
