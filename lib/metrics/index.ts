export type { BatchMetrics, EnvelopeMetrics, MetricsSink } from './batch-metrics';
export { EmfMetricsSink, MemoryMetricsSink } from './batch-metrics';
