export { KubernetesTenantClusters } from './KubernetesTenantClusters';
export {
  DEFAULT_PROVISION_TTL_MS,
  FIELD_MANAGER,
  KubernetesTenantCluster,
} from './KubernetesTenantCluster';
export type { TenantQuotaUsage } from '../cluster/TenantCluster';
export { createKubeConfig, normalizeCaData } from './kubeConfig';
export {
  createClusterApis,
  createKubernetesApis,
  DEFAULT_REQUEST_TIMEOUT_MS,
} from './kubernetesApis';
export type { KubernetesApis } from './kubernetesApis';
export {
  QuotaExceededError,
  parseQuotaMessage,
  parseRbacMessage,
  readStatus,
  toClusterError,
} from './errors';
export type { ClusterErrorContext, KubernetesStatus } from './errors';
export { TokenFileError } from './tokenFileAuthenticator';
