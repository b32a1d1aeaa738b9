export {
  DecodeError,
  describeError,
  ErrorCode,
  InvalidConfigurationError,
  InvalidPipelineError,
  MalformedEnvelopeError,
  SparklessError,
  UserCodeError,
} from './sparkless-error';
