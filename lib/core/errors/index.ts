export {
  DecodeError,
  describeError,
  ErrorCode,
  InvalidConfigurationError,
  InvalidPipelineError,
  MalformedEnvelopeError,
  SparklessError,
  StateTooLargeError,
  UserCodeError,
} from './sparkless-error';
