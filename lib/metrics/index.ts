export type { BatchMetrics, MetricsSink } from './batch-metrics';
export { EmfMetricsSink, MemoryMetricsSink } from './batch-metrics';
