import type {
  JobParametersSchema,
  JobRequestInput,
  PriorityId,
  RunStatus,
  TenantJobEvent,
  TenantPlan,
  TierId,
} from '@tenant-jobs/plugin-tenant-jobs-common';

/**
 * A job type as `GET /job-types` describes it: what a launch form needs.
 *
 * @public
 */
export interface TenantJobType {
  id: string;
  title: string;
  description: string;
  category: string;
  gpu: boolean;
  defaultTier: TierId;
  allowedTiers: TierId[];
  defaultDeadlineSeconds: number;
  retries: number;
  parameterSchema: JobParametersSchema;
}

/**
 * Used and hard amounts of a tenant's namespace ResourceQuota, keyed by
 * resource name (`requests.cpu`, `requests.memory`,
 * `requests.nvidia.com/gpu`, `pods`, ...), as Kubernetes quantities.
 *
 * @public
 */
export interface TenantQuotaUsage {
  hard: Record<string, string>;
  used: Record<string, string>;
}

/**
 * A tenant of the signed-in user, as `GET /tenants` returns it.
 *
 * @public
 */
export interface TenantSummary {
  id: string;
  title?: string;
  /** Entity ref of the tenant's Group. */
  groupRef: string;
  plan: TenantPlan;
  cluster: string;
  namespace: string;
  /** Runs holding one of the tenant's slots now. */
  activeJobs: number;
  /** Null until the namespace exists or when the cluster could not be read. */
  quota: TenantQuotaUsage | null;
}

/**
 * Filters of the run list and the statistics.
 *
 * @public
 */
export interface TenantJobsFilter {
  tenant?: string[];
  entityRef?: string;
  status?: RunStatus[];
  type?: string[];
  priority?: PriorityId[];
  submittedBy?: string;
  /** ISO 8601 bounds on submission time. */
  from?: string;
  to?: string;
}

/**
 * One page request of the run list.
 *
 * @public
 */
export interface TenantJobsListQuery extends TenantJobsFilter {
  limit?: number;
  cursor?: string;
}

/**
 * The verdict of a dry run the backend accepted: what would be created,
 * and who judged it.
 *
 * @public
 */
export interface TenantJobDryRunVerdict {
  dryRun: true;
  tenantId: string;
  jobType: string;
  tier: TierId;
  priority: string;
  namespace: string;
  jobName: string;
  /** `apiserver` when the cluster judged the Job, `plugin` when only the plugin could. */
  checkedBy: 'apiserver' | 'plugin';
  message: string;
  manifest: unknown;
}

/**
 * A launch request: the submit body without `dryRun`.
 *
 * @public
 */
export type TenantJobLaunchRequest = Omit<JobRequestInput, 'dryRun'>;

/**
 * The events of a run and where they came from.
 *
 * @public
 */
export interface TenantJobEvents {
  source: 'live' | 'archive';
  items: TenantJobEvent[];
}

/**
 * A pod log as text and where it came from.
 *
 * @public
 */
export interface TenantJobLog {
  source: 'live' | 'archive';
  text: string;
}
