import { LoggerService } from '@backstage/backend-plugin-api';
import { ClusterConfig, QueueMode } from '../config/readConfig';
import { KubernetesRequestObserver } from './kubernetesRequests';
import { TenantCluster, TenantClusters } from '../cluster/TenantCluster';
import { MultiKueueManager } from './MultiKueueManager';
import { KubernetesTenantCluster } from './KubernetesTenantCluster';

/**
 * The clients of the configured clusters, by name: one
 * {@link KubernetesTenantCluster} per cluster, and for a MultiKueue manager
 * a {@link MultiKueueManager} over it and its workers. Workers are reached
 * through their manager only: `names` and `get` are the clusters tenants
 * can be pinned to.
 */
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
      /** tenantJobs.tracking.logTailBytes, for MultiKueue workers' logs. */
      logTailBytes?: number;
    },
  ): KubernetesTenantClusters {
    const clients = new Map(
      clusters.map(cluster => [
        cluster.name,
        KubernetesTenantCluster.fromConfig(cluster, {
          logger: options.logger.child({ cluster: cluster.name }),
          requestTimeoutMs: options.requestTimeoutMs,
          observe: options.observe,
          queueMode: options.queueMode,
        }),
      ]),
    );
    const managerOf = new Map(
      clusters.flatMap(c =>
        (c.multiKueue?.workers ?? []).map(worker => [worker, c.name] as const),
      ),
    );
    return new KubernetesTenantClusters(
      new Map<string, TenantCluster>(
        clusters
          .filter(cluster => !managerOf.has(cluster.name))
          .map(cluster => [
            cluster.name,
            cluster.multiKueue
              ? new MultiKueueManager(
                  clients.get(cluster.name)!,
                  cluster.multiKueue.workers.map(name => clients.get(name)!),
                  {
                    logger: options.logger.child({ cluster: cluster.name }),
                    logTailBytes: options.logTailBytes ?? 65_536,
                  },
                )
              : clients.get(cluster.name)!,
          ]),
      ),
      managerOf,
    );
  }

  constructor(
    private readonly clients: Map<string, TenantCluster>,
    /** MultiKueue workers, by the manager they belong to. */
    private readonly managerOf: Map<string, string> = new Map(),
  ) {}

  /** The configured cluster names tenants may be pinned to. */
  names(): string[] {
    return [...this.clients.keys()];
  }

  get(name: string): TenantCluster {
    const client = this.clients.get(name);
    if (!client) {
      const manager = this.managerOf.get(name);
      if (manager) {
        throw new Error(
          `Cluster '${name}' is a MultiKueue worker of '${manager}': runs are recorded on the manager. A run recorded on '${name}' before it became a worker cannot be reached through it; make it a cluster of its own again to finish those runs`,
        );
      }
      throw new Error(
        `No cluster named '${name}' in tenantJobs.clusters; configured: ${
          this.names().join(', ') || 'none'
        }`,
      );
    }
    return client;
  }
}
