export type { BatchFailure, BatchMetrics, EnvelopeMetrics, MetricsSink } from './batch-metrics';
export { EmfMetricsSink, MemoryMetricsSink, SparklessMetric } from './batch-metrics';
