import type { V1Job } from '@kubernetes/client-node';
import type { TenantPlan } from '@tenant-jobs/plugin-tenant-jobs-common';

/** What the job service needs of a cluster (see ../kubernetes). */
export interface JobCluster {
  ensurePriorityClasses(): Promise<void>;
  /** Idempotently provisions the tenant's namespace; returns its name. */
  provisionTenant(
    tenantId: string,
    plan: TenantPlan,
    namespacePattern: string,
  ): Promise<string>;
  createJob(job: V1Job, options: { dryRun: boolean }): Promise<V1Job>;
  getJob(namespace: string, name: string): Promise<V1Job | undefined>;
  deleteJob(namespace: string, name: string): Promise<void>;
  getQuota(
    namespace: string,
  ): Promise<
    { hard: Record<string, string>; used: Record<string, string> } | undefined
  >;
}

/** Finds the client of a configured cluster by name. */
export interface JobClusters {
  get(name: string): JobCluster;
}
