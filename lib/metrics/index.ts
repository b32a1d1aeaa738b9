export type {
  BatchFailure,
  BatchMetrics,
  EnvelopeMetrics,
  ListenerFailure,
  MetricsSink,
} from './batch-metrics';
export { EmfMetricsSink, MemoryMetricsSink, SparklessMetric } from './batch-metrics';
