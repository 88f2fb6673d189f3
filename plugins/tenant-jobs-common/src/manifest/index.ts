export {
  buildRunName,
  formatRunTimestamp,
  tenantNamespaceName,
  validateNamespacePattern,
} from './names';
export { managedLabelSelector, runLabels, tenantLabels } from './labels';
export {
  RUNNER_UID,
  containerSecurityContext,
  podSecurityContext,
} from './securityContext';
export {
  RUN_ENV,
  defaultParameterEnvName,
  isEnvVarName,
  parameterEnvName,
  parameterValueToString,
} from './parameters';
export {
  buildRunnerServiceAccount,
  buildTenantLimitRange,
  buildTenantNamespace,
  buildTenantNetworkPolicy,
  buildTenantObjects,
  buildTenantResourceQuota,
} from './tenantObjects';
export type {
  ClusterDnsSelector,
  TenantObject,
  TenantObjectsOptions,
} from './tenantObjects';
export {
  TENANT_READER_CLUSTER_ROLE_NAME,
  TENANT_READER_ROLE_BINDING_NAME,
  buildTenantReaderRoleBinding,
  rbacSubjectOf,
} from './tenantAccess';
export { buildJob, buildPodFailurePolicy, gpuToleration } from './job';
export { readRunOrigin, runOriginAnnotations } from './runOrigin';
export type { RunOrigin } from './runOrigin';
export { buildCronJob, SCHEDULE_ID_LABEL } from './cronJob';
export type { BuildCronJobContext } from './cronJob';
export type { BuildJobContext, BuildJobRequest } from './job';
export { buildPriorityClasses } from './priorityClasses';
export type { PriorityClassOptions } from './priorityClasses';
export { buildTenantPriorityQuotas } from './priorityQuotas';
export {
  DEFAULT_MULTIKUEUE_ADMISSION_CHECK,
  KUEUE_API_VERSION,
  KUEUE_LABELS,
  KUEUE_LOCAL_QUEUE_NAME,
  KUEUE_RESOURCE_FLAVOR_NAME,
  buildKueueSharedObjects,
  buildKueueTenantQueues,
  dispatchWithMultiKueue,
  isKueueJob,
  kueueClusterQueueName,
  MULTIKUEUE_MANAGED_BY,
  queueWithKueue,
  workloadPriorityClassName,
} from './kueue';
export { restrictedPodSecurityViolations } from './podSecurity';
