export type { BatchFailure, BatchMetrics, MetricsSink } from './batch-metrics';
export { EmfMetricsSink, MemoryMetricsSink, SparklessMetric } from './batch-metrics';
