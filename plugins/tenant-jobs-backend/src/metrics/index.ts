export { TenantJobsObservability } from './TenantJobsObservability';
export type { SubmissionRequest } from './TenantJobsObservability';
export {
  TenantJobsMetrics,
  METRIC_NAMES,
  prometheusMetricNames,
} from './TenantJobsMetrics';
export { ClusterHealth, tenantClusterState } from './ClusterHealth';
export type { ClusterHealthReport, WatchHealth } from './ClusterHealth';
export { readMonitoringConfig, durationTargets } from './monitoringConfig';
export type { MonitoringConfig } from './monitoringConfig';
export {
  classifySubmissionError,
  SUBMISSION_REASONS,
  OTHER,
  UNKNOWN_TENANT,
} from './labels';
export { withSpan, traceReconcile, TRACER_NAME } from '../lib/tracing';
