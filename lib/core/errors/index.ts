export {
  DecodeError,
  describeError,
  errorCodeOf,
  ErrorCode,
  InvalidConfigurationError,
  InvalidPipelineError,
  MalformedEnvelopeError,
  SparklessError,
  StateTooLargeError,
  UserCodeError,
} from './sparkless-error';
