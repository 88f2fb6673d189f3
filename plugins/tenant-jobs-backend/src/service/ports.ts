import type { TenantClusterClient } from '../kubernetes';

/**
 * What the job service needs of a cluster: the part of
 * {@link TenantClusterClient} it calls (documented there), so tests can
 * stand in a small fake.
 */
export type JobCluster = Pick<
  TenantClusterClient,
  | 'ensurePriorityClasses'
  | 'provisionTenant'
  | 'createJob'
  | 'getJob'
  | 'deleteJob'
  | 'getQuota'
>;

/** Finds the client of a configured cluster by name. */
export interface JobClusters {
  get(name: string): JobCluster;
}
