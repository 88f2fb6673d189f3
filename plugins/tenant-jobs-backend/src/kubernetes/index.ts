export { ClusterClients } from './ClusterClients';
export { TenantClusterClient } from './TenantClusterClient';
export { createKubeConfig } from './kubeConfig';
export { toClusterError } from './errors';
