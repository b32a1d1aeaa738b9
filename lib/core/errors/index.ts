export {
  DecodeError,
  describeError,
  ErrorCode,
  InvalidConfigurationError,
  InvalidPipelineError,
  SparklessError,
  UserCodeError,
} from './sparkless-error';
