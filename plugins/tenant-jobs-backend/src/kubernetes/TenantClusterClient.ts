import { LoggerService } from '@backstage/backend-plugin-api';
import { NotFoundError } from '@backstage/errors';
import {
  BatchV1Api,
  CoreV1Api,
  KubeConfig,
  KubernetesObject,
  KubernetesObjectApi,
  PatchStrategy,
  V1Job,
} from '@kubernetes/client-node';
import {
  buildPriorityClasses,
  buildTenantObjects,
  TenantPlan,
  TENANT_QUOTA_NAME,
  tenantNamespaceName,
} from '@tenant-jobs/plugin-tenant-jobs-common';
import { ClusterConfig } from '../config/readConfig';
import { JobCluster } from '../service/ports';
import { toClusterError } from './errors';
import { createKubeConfig } from './kubeConfig';

const FIELD_MANAGER = 'tenant-jobs';
/** How long a provisioned tenant is trusted before it is applied again. */
const PROVISION_TTL_MS = 5 * 60_000;
/** How long a KubeConfig (and the token read into it) is reused. */
const KUBECONFIG_TTL_MS = 60_000;

/** One configured cluster, seen through the backend's least privilege. */
export class TenantClusterClient implements JobCluster {
  private kubeConfig?: { at: number; kc: KubeConfig };
  private priorityClasses?: Promise<void>;
  private readonly provisioned = new Map<string, number>();

  constructor(
    private readonly cluster: ClusterConfig,
    private readonly logger: LoggerService,
  ) {}

  get name(): string {
    return this.cluster.name;
  }

  private kc(): KubeConfig {
    const now = Date.now();
    if (!this.kubeConfig || now - this.kubeConfig.at > KUBECONFIG_TTL_MS) {
      this.kubeConfig = { at: now, kc: createKubeConfig(this.cluster) };
    }
    return this.kubeConfig.kc;
  }

  private async call<T>(action: string, fn: () => Promise<T>): Promise<T> {
    try {
      return await fn();
    } catch (error) {
      throw toClusterError(error, { cluster: this.cluster.name, action });
    }
  }

  private async apply(objects: KubernetesObject[]): Promise<void> {
    const api = KubernetesObjectApi.makeApiClient(this.kc());
    for (const object of objects) {
      await this.call(`apply ${object.kind} ${object.metadata?.name}`, () =>
        api.patch(
          object,
          undefined,
          undefined,
          FIELD_MANAGER,
          true,
          PatchStrategy.ServerSideApply,
        ),
      );
    }
  }

  ensurePriorityClasses(): Promise<void> {
    if (!this.priorityClasses) {
      this.priorityClasses = this.apply(
        buildPriorityClasses() as KubernetesObject[],
      ).catch(error => {
        this.priorityClasses = undefined; // try again next time
        throw error;
      });
    }
    return this.priorityClasses;
  }

  async provisionTenant(
    tenantId: string,
    plan: TenantPlan,
    namespacePattern: string,
  ): Promise<string> {
    const namespace = tenantNamespaceName(namespacePattern, tenantId);
    const key = `${tenantId}\u0000${JSON.stringify(
      plan,
    )}\u0000${namespacePattern}`;
    const at = this.provisioned.get(key);
    if (at && Date.now() - at < PROVISION_TTL_MS) {
      return namespace;
    }
    await this.apply(
      buildTenantObjects(tenantId, plan, {
        namespacePattern,
      }) as KubernetesObject[],
    );
    this.provisioned.set(key, Date.now());
    this.logger.info(
      `Provisioned tenant '${tenantId}' in namespace ${namespace}`,
    );
    return namespace;
  }

  async createJob(job: V1Job, options: { dryRun: boolean }): Promise<V1Job> {
    const api = this.kc().makeApiClient(BatchV1Api);
    return this.call(`create Job ${job.metadata?.name}`, () =>
      api.createNamespacedJob({
        namespace: job.metadata!.namespace!,
        body: job,
        dryRun: options.dryRun ? 'All' : undefined,
        fieldManager: FIELD_MANAGER,
      }),
    );
  }

  async getJob(namespace: string, name: string): Promise<V1Job | undefined> {
    const api = this.kc().makeApiClient(BatchV1Api);
    try {
      return await this.call(`read Job ${name}`, () =>
        api.readNamespacedJob({ namespace, name }),
      );
    } catch (error) {
      if (error instanceof NotFoundError) return undefined;
      throw error;
    }
  }

  async deleteJob(namespace: string, name: string): Promise<void> {
    const api = this.kc().makeApiClient(BatchV1Api);
    try {
      // Background: the Job goes at once, the garbage collector removes
      // its pods, which get their termination grace period.
      await this.call(`delete Job ${name}`, () =>
        api.deleteNamespacedJob({
          namespace,
          name,
          propagationPolicy: 'Background',
        }),
      );
    } catch (error) {
      if (!(error instanceof NotFoundError)) throw error;
    }
  }

  async getQuota(
    namespace: string,
  ): Promise<
    { hard: Record<string, string>; used: Record<string, string> } | undefined
  > {
    const api = this.kc().makeApiClient(CoreV1Api);
    try {
      const quota = await this.call(`read the quota of ${namespace}`, () =>
        api.readNamespacedResourceQuota({ namespace, name: TENANT_QUOTA_NAME }),
      );
      return {
        hard: { ...quota.status?.hard },
        used: { ...quota.status?.used },
      };
    } catch (error) {
      if (error instanceof NotFoundError) return undefined;
      throw error;
    }
  }
}
