import { LoggerService } from '@backstage/backend-plugin-api';
import { InputError } from '@backstage/errors';
import {
  isValidTenantId,
  PriorityId,
} from '@tenant-jobs/plugin-tenant-jobs-common';
import { TenantDirectory } from '../catalog/TenantDirectory';
import { TenantClusters, TenantQuotaUsage } from '../cluster/TenantCluster';
import { RunStore } from '../database';
import { ResolvedTenant, RunService } from './RunService';

/** How long the platform view reuses a tenant's quota read, in ms. */
export const QUOTA_READ_TTL_MS = 15_000;

/** What `POST /tenants/:tenantId/provision` answers. */
export type ProvisionResult = {
  tenantId: string;
  title?: string;
  groupRef: string;
  plan: ResolvedTenant['plan'];
  cluster: string;
  namespace: string;
  /** True when nothing was applied: the tenant was only resolved. */
  dryRun: boolean;
};

/**
 * Tenants as their members and the platform team see them: the caller's
 * tenants with plan, namespace, active runs and quota use, and the
 * provisioning of a tenant's namespace objects ahead of its first run.
 */
export class TenantService {
  constructor(
    private readonly deps: {
      tenants: TenantDirectory;
      runService: Pick<RunService, 'resolveTenant'>;
      runs: Pick<RunStore, 'countActive'>;
      clusters: TenantClusters;
      logger: LoggerService;
      config: { namespacePattern: string; preemptingPriorities: PriorityId[] };
      /**
       * Whether a cluster answers now (the plugin's cluster health), so a
       * tenant's members learn that theirs is down.
       */
      clusterState?: (cluster: string) => {
        reachable: boolean;
        lastAnsweredAt?: string;
        cluster?: string;
      };
    },
  ) {}

  /** The tenants of the Groups in `ownershipEntityRefs`, with their quota use. */
  async summariesFor(ownershipEntityRefs: string[]) {
    const mine = await this.deps.tenants.getTenantsFor(ownershipEntityRefs);
    return Promise.all(mine.map(tenant => this.summaryOf(tenant.id)));
  }

  /**
   * Every tenant with its plan, place and quota use, for the platform
   * team. Quotas read in the last {@link QUOTA_READ_TTL_MS} are reused, so
   * every admin's refresh does not read every tenant's quota again.
   */
  async summariesOfAll() {
    const all = await this.deps.tenants.listTenants();
    return Promise.all(
      all.map(async tenant => {
        const resolved = await this.deps.runService.resolveTenant(tenant.id);
        return {
          id: resolved.id,
          title: resolved.title,
          groupRef: resolved.groupRef,
          plan: resolved.plan,
          cluster: resolved.cluster,
          namespace: resolved.namespace,
          quota: await this.recentQuotaOf(resolved),
        };
      }),
    );
  }

  /** The tenant's plan, place, active runs and quota use (null when unreadable). */
  async summaryOf(tenantId: string) {
    const resolved = await this.deps.runService.resolveTenant(tenantId);
    const quota = await this.quotaOf(resolved);
    return {
      id: resolved.id,
      title: resolved.title,
      groupRef: resolved.groupRef,
      plan: resolved.plan,
      cluster: resolved.cluster,
      ...(this.deps.clusterState && {
        clusterState: this.deps.clusterState(resolved.cluster),
      }),
      namespace: resolved.namespace,
      activeJobs: await this.deps.runs.countActive(resolved.id),
      quota,
    };
  }

  private readonly quotas = new Map<
    string,
    { at: number; quota: Promise<TenantQuotaUsage | null> }
  >();

  /** The tenant's quota use as read at most a few seconds ago. */
  private recentQuotaOf(tenant: ResolvedTenant) {
    const now = Date.now();
    const key = `${tenant.cluster}/${tenant.namespace}`;
    const known = this.quotas.get(key);
    if (known && now - known.at < QUOTA_READ_TTL_MS) return known.quota;
    const quota = this.quotaOf(tenant);
    this.quotas.set(key, { at: now, quota });
    return quota;
  }

  /** The tenant's quota use now; null when unreadable or not there yet. */
  private async quotaOf(
    tenant: ResolvedTenant,
  ): Promise<TenantQuotaUsage | null> {
    try {
      return (
        (await this.deps.clusters
          .get(tenant.cluster)
          .getQuota(tenant.namespace)) ?? null
      );
    } catch (error) {
      this.deps.logger.warn(
        `Could not read the quota of tenant '${tenant.id}': ${
          (error as Error).message
        }`,
      );
      return null;
    }
  }

  /**
   * Applies the tenant's namespace objects (namespace with restricted Pod
   * Security, quota, limits, network policy, runner ServiceAccount) and the
   * PriorityClasses in its cluster now, instead of with its first run;
   * `dryRun` only resolves the tenant (plan, cluster, namespace).
   */
  async provision(id: string, dryRun: boolean): Promise<ProvisionResult> {
    if (!isValidTenantId(id)) {
      throw new InputError(
        `'${id.slice(
          0,
          80,
        )}' is not a tenant id: lowercase letters, digits and '-', at most 40 characters`,
      );
    }
    const tenant = await this.deps.runService.resolveTenant(id);
    const cluster = this.deps.clusters.get(tenant.cluster);
    let namespace = tenant.namespace;
    if (!dryRun) {
      await cluster.ensurePriorityClasses({
        preempting: this.deps.config.preemptingPriorities,
      });
      namespace = await cluster.provisionTenant(
        tenant.id,
        tenant.plan,
        this.deps.config.namespacePattern,
        { maxAgeMs: 0 },
      );
    }
    return {
      tenantId: tenant.id,
      title: tenant.title,
      groupRef: tenant.groupRef,
      plan: tenant.plan,
      cluster: tenant.cluster,
      namespace,
      dryRun,
    };
  }
}
