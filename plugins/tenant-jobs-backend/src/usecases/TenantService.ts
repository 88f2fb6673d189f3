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
    },
  ) {}

  /** The tenants of the Groups in `ownershipEntityRefs`, with their quota use. */
  async summariesFor(ownershipEntityRefs: string[]) {
    const mine = await this.deps.tenants.getTenantsFor(ownershipEntityRefs);
    return Promise.all(mine.map(tenant => this.summaryOf(tenant.id)));
  }

  /** Every tenant with its quota use, for the platform team. */
  async summariesOfAll() {
    const all = await this.deps.tenants.listTenants();
    return Promise.all(all.map(tenant => this.summaryOf(tenant.id)));
  }

  /** The tenant's plan, place and quota use (null when unreadable). */
  async summaryOf(tenantId: string) {
    const resolved = await this.deps.runService.resolveTenant(tenantId);
    let quota: TenantQuotaUsage | null = null;
    try {
      quota =
        (await this.deps.clusters
          .get(resolved.cluster)
          .getQuota(resolved.namespace)) ?? null;
    } catch (error) {
      this.deps.logger.warn(
        `Could not read the quota of tenant '${tenantId}': ${
          (error as Error).message
        }`,
      );
    }
    return {
      id: resolved.id,
      title: resolved.title,
      groupRef: resolved.groupRef,
      plan: resolved.plan,
      cluster: resolved.cluster,
      namespace: resolved.namespace,
      activeJobs: await this.deps.runs.countActive(resolved.id),
      quota,
    };
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
