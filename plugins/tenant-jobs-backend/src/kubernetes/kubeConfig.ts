import { Cluster, KubeConfig } from '@kubernetes/client-node';
import { ClusterConfig } from '../config/readConfig';
import {
  TokenFileAuthenticator,
  tokenFileUser,
} from './tokenFileAuthenticator';

const PEM_BEGIN = '-----BEGIN';

/**
 * `caData` as client-node wants it (base64 of the PEM text, like a
 * kubeconfig's `certificate-authority-data`). Accepts either that or the
 * PEM text itself.
 */
export function normalizeCaData(caData: string, clusterName: string): string {
  const value = caData.trim();
  if (value.startsWith(PEM_BEGIN)) {
    return Buffer.from(caData, 'utf8').toString('base64');
  }
  const compact = value.replace(/\s+/g, '');
  if (
    /^[A-Za-z0-9+/]+={0,2}$/.test(compact) &&
    Buffer.from(compact, 'base64').toString('utf8').includes(PEM_BEGIN)
  ) {
    return compact;
  }
  throw new Error(
    `caData of cluster '${clusterName}' is neither a PEM certificate nor base64-encoded PEM (as in a kubeconfig's certificate-authority-data)`,
  );
}

/** The settings of tenantJobs.clusters win over a kubeconfig's. */
function applyClusterSettings(kc: KubeConfig, cluster: ClusterConfig): void {
  const current = kc.getCurrentCluster();
  if (!current) {
    throw new Error(
      `Cluster '${cluster.name}': the kubeconfig has no current cluster`,
    );
  }
  const caData = cluster.caData
    ? normalizeCaData(cluster.caData, cluster.name)
    : undefined;
  const updated: Cluster = {
    ...current,
    server: cluster.url ?? current.server,
    caFile: cluster.caFile ?? (caData ? undefined : current.caFile),
    caData: caData ?? (cluster.caFile ? undefined : current.caData),
    skipTLSVerify: cluster.skipTLSVerify ?? current.skipTLSVerify ?? false,
  };
  if (updated.server?.startsWith('http:') && !updated.skipTLSVerify) {
    throw new Error(
      `Cluster '${cluster.name}': plain http (${updated.server}) needs skipTLSVerify: true; use https`,
    );
  }
  kc.clusters = kc.clusters.map(c => (c === current ? updated : c));
}

/**
 * A KubeConfig for one configured cluster:
 *
 * - `serviceAccountToken`: the `url`, and a user whose token is read from
 *   `tokenFile` on every request (see TokenFileAuthenticator), so rotation
 *   needs no restart;
 * - `kubeconfig`: the file, at `context` or its current context;
 * - `inCluster`: the pod's own ServiceAccount (client-node re-reads its
 *   projected token every minute).
 *
 * `url`, `caFile`, `caData` and `skipTLSVerify`, when set, override what
 * the kubeconfig or the pod environment says.
 */
export function createKubeConfig(cluster: ClusterConfig): KubeConfig {
  const kc = new KubeConfig();
  const { auth } = cluster;
  switch (auth.type) {
    case 'inCluster':
      if (!process.env.KUBERNETES_SERVICE_HOST && !cluster.url) {
        throw new Error(
          `Cluster '${cluster.name}' uses inCluster auth, but the backend does not run in a Kubernetes pod (KUBERNETES_SERVICE_HOST is not set)`,
        );
      }
      kc.loadFromCluster();
      break;
    case 'kubeconfig':
      kc.loadFromFile(auth.file);
      if (auth.context) {
        if (!kc.getContextObject(auth.context)) {
          throw new Error(
            `Cluster '${cluster.name}': kubeconfig ${
              auth.file
            } has no context '${auth.context}'; it has ${
              kc
                .getContexts()
                .map(c => c.name)
                .join(', ') || 'none'
            }`,
          );
        }
        kc.setCurrentContext(auth.context);
      }
      break;
    case 'serviceAccountToken':
      if (!cluster.url) {
        throw new Error(
          `Cluster '${cluster.name}' authenticates by token file, so it needs a url`,
        );
      }
      kc.addAuthenticator(new TokenFileAuthenticator(cluster.name));
      kc.loadFromOptions({
        clusters: [
          { name: cluster.name, server: cluster.url, skipTLSVerify: false },
        ],
        users: [tokenFileUser('tenant-jobs-backend', auth.tokenFile)],
        contexts: [
          {
            name: cluster.name,
            cluster: cluster.name,
            user: 'tenant-jobs-backend',
          },
        ],
        currentContext: cluster.name,
      });
      break;
    default:
      throw new Error(
        `Cluster '${cluster.name}': unknown auth type '${
          (auth as { type: string }).type
        }'`,
      );
  }
  applyClusterSettings(kc, cluster);
  return kc;
}
