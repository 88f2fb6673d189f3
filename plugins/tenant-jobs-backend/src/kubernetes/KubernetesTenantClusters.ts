import { LoggerService } from '@backstage/backend-plugin-api';
import { ClusterConfig, QueueMode } from '../config/readConfig';
import { KubernetesRequestObserver } from './kubernetesRequests';
import { TenantClusters } from '../cluster/TenantCluster';
import { KubernetesTenantCluster } from './KubernetesTenantCluster';

/** One {@link KubernetesTenantCluster} per configured cluster, by name. */
export class KubernetesTenantClusters implements TenantClusters {
  /**
   * Builds the clients of tenantJobs.clusters. Throws at startup for a
   * cluster whose settings cannot work (no current context, bad caData);
   * nothing is sent to the clusters yet.
   */
  static fromConfig(
    clusters: ClusterConfig[],
    options: {
      logger: LoggerService;
      requestTimeoutMs?: number;
      /** Told of every apiserver request when it ends (metrics, health). */
      observe?: KubernetesRequestObserver;
      /** tenantJobs.queue.mode: `kueue` provisions Kueue's queues too. */
      queueMode?: QueueMode;
    },
  ): KubernetesTenantClusters {
    return new KubernetesTenantClusters(
      new Map(
        clusters.map(cluster => [
          cluster.name,
          KubernetesTenantCluster.fromConfig(cluster, {
            logger: options.logger.child({ cluster: cluster.name }),
            requestTimeoutMs: options.requestTimeoutMs,
            observe: options.observe,
            queueMode: options.queueMode,
          }),
        ]),
      ),
    );
  }

  constructor(private readonly clients: Map<string, KubernetesTenantCluster>) {}

  /** The configured cluster names. */
  names(): string[] {
    return [...this.clients.keys()];
  }

  get(name: string): KubernetesTenantCluster {
    const client = this.clients.get(name);
    if (!client) {
      throw new Error(
        `No cluster named '${name}' in tenantJobs.clusters; configured: ${
          this.names().join(', ') || 'none'
        }`,
      );
    }
    return client;
  }
}
