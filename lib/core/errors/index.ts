export {
  DecodeError,
  describeError,
  ErrorCode,
  InvalidConfigurationError,
  InvalidPipelineError,
  SparklessError,
  StateTooLargeError,
  UserCodeError,
} from './sparkless-error';
