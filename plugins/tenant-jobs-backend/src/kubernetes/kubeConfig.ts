import { KubeConfig } from '@kubernetes/client-node';
import fs from 'node:fs';
import { ClusterConfig } from '../config/readConfig';

/**
 * A KubeConfig for one configured cluster. Token files are read at the
 * time of the call, so callers that rebuild it (see TenantClusterClient)
 * follow a rotating ServiceAccount token.
 */
export function createKubeConfig(cluster: ClusterConfig): KubeConfig {
  const kc = new KubeConfig();
  const { auth } = cluster;
  if (auth.type === 'inCluster') {
    kc.loadFromCluster();
    return kc;
  }
  if (auth.type === 'kubeconfig') {
    kc.loadFromFile(auth.file);
    if (auth.context) {
      kc.setCurrentContext(auth.context);
    }
    return kc;
  }
  const token = fs.readFileSync(auth.tokenFile, 'utf8').trim();
  if (!token) {
    throw new Error(
      `The token file of cluster '${cluster.name}' (${auth.tokenFile}) is empty`,
    );
  }
  kc.loadFromOptions({
    clusters: [
      {
        name: cluster.name,
        server: cluster.url!,
        caData: cluster.caData
          ? Buffer.from(cluster.caData).toString('base64')
          : undefined,
        caFile: cluster.caFile,
        skipTLSVerify: cluster.skipTLSVerify ?? false,
      },
    ],
    users: [{ name: 'tenant-jobs', token }],
    contexts: [
      { name: cluster.name, cluster: cluster.name, user: 'tenant-jobs' },
    ],
    currentContext: cluster.name,
  });
  return kc;
}
