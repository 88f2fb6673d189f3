import { LoggerService } from '@backstage/backend-plugin-api';
import { ClusterConfig } from '../config/readConfig';
import { JobClusters } from '../service/ports';
import { TenantClusterClient } from './TenantClusterClient';

/** One client per configured cluster. */
export class ClusterClients implements JobClusters {
  static fromConfig(
    clusters: ClusterConfig[],
    options: { logger: LoggerService },
  ): ClusterClients {
    return new ClusterClients(
      new Map(
        clusters.map(cluster => [
          cluster.name,
          new TenantClusterClient(
            cluster,
            options.logger.child({ cluster: cluster.name }),
          ),
        ]),
      ),
    );
  }

  private constructor(
    private readonly clients: Map<string, TenantClusterClient>,
  ) {}

  get(name: string): TenantClusterClient {
    const client = this.clients.get(name);
    if (!client) {
      throw new Error(`No cluster named '${name}' in tenantJobs.clusters`);
    }
    return client;
  }
}
