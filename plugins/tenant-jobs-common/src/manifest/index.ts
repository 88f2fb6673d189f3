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
export { buildJob, buildPodFailurePolicy, gpuToleration } from './job';
export type { BuildJobContext, BuildJobRequest } from './job';
export { buildPriorityClasses } from './priorityClasses';
export type { PriorityClassOptions } from './priorityClasses';
export { buildTenantPriorityQuotas } from './priorityQuotas';
export { restrictedPodSecurityViolations } from './podSecurity';
