import type {
  JobParametersSchema,
  JobRequestInput,
  PriorityId,
  RunStatus,
  TenantJobEvent,
  TenantJobSchedule,
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
  /**
   * Whether the tenant's cluster answers the backend now. While it does
   * not, its runs cannot be launched, cancelled or followed live; they
   * catch up when it returns. Absent from backends that do not say.
   */
  clusterState?: {
    reachable: boolean;
    /** When the cluster last answered the backend, ISO 8601. */
    lastAnsweredAt?: string;
    /**
     * The cluster that does not answer, when it is not the tenant's own:
     * a MultiKueue worker, where its jobs run.
     */
    cluster?: string;
  };
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
  /** Only the runs this schedule created (the run list; statistics ignore it). */
  scheduleId?: string;
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

// Schedules, trigger rules and configuration

/**
 * The newest run a schedule created.
 *
 * @public
 */
export interface TenantJobScheduleLastRun {
  id: string;
  status: RunStatus;
  createdAt: string;
}

/**
 * A schedule as `GET /schedules`, its creation, pause and resume answer
 * it: the schedule and the newest run it created.
 *
 * @public
 */
export interface TenantJobScheduleWithLastRun extends TenantJobSchedule {
  /** Absent until the schedule has started a run. */
  lastRun?: TenantJobScheduleLastRun;
}

/**
 * What a schedule does when it is due while its previous run still runs:
 * skip the new one (`Forbid`), run both (`Allow`) or stop the old one
 * (`Replace`).
 *
 * @public
 */
export type TenantJobScheduleConcurrencyPolicy = 'Forbid' | 'Allow' | 'Replace';

/**
 * The body of `POST /schedules`: a launch request's fields (without an
 * idempotency key) and when to start runs.
 *
 * @public
 */
export interface TenantJobScheduleRequest
  extends Omit<TenantJobLaunchRequest, 'idempotencyKey'> {
  /** Five fields (minute hour day-of-month month day-of-week) or a macro such as `@daily`. */
  cron: string;
  /** IANA time zone the cron is read in; UTC when absent. */
  timeZone?: string;
  concurrencyPolicy?: TenantJobScheduleConcurrencyPolicy;
  /** How late a missed start may still happen, in seconds. */
  startingDeadlineSeconds?: number;
  /** Create it paused. */
  paused?: boolean;
}

/**
 * An events topic trigger rules may listen to, as the platform team
 * allowed it under `tenantJobs.triggers.topics`.
 *
 * @public
 */
export interface TenantJobTriggerTopic {
  topic: string;
  /** `tenant`: each event belongs to one tenant (read at `tenantPath`); `shared`: every tenant hears it. */
  scope: 'tenant' | 'shared';
  /** Where in an event's payload its tenant id is, for `tenant` topics. */
  tenantPath?: string;
  description?: string;
}

/**
 * Where a trigger rule takes a job parameter from: a dotted path into the
 * event's payload, or a constant.
 *
 * @public
 */
export type TenantJobTriggerParameterSource =
  | { from: string }
  | { value: unknown };

/**
 * The body of `POST /triggers`.
 *
 * @public
 */
export interface TenantJobTriggerRequest {
  tenantId: string;
  jobType: string;
  tier?: TierId;
  priority?: PriorityId;
  entityRef?: string;
  topic: string;
  /** Dotted payload paths and the values they must equal, all of them. */
  filter?: Record<string, string | number | boolean>;
  /** Job parameters by name and where each comes from. */
  parameters?: Record<string, TenantJobTriggerParameterSource>;
}

/**
 * What importing a configuration document would create, and why it would
 * be refused, as `POST /tenants/{tenantId}/configuration?dryRun=true`
 * answers; it creates nothing.
 *
 * @public
 */
export interface TenantConfigurationPreview {
  dryRun: true;
  /** What an import would create (empty when anything is refused). */
  schedules: Array<{
    jobType: string;
    cron: string;
    timeZone: string;
    paused: boolean;
  }>;
  triggers: Array<{ jobType: string; topic: string }>;
  /** Why the import would be refused, each saying what to fix; empty when it would succeed. */
  problems: string[];
}

/**
 * How many schedules and trigger rules an import created.
 *
 * @public
 */
export interface TenantConfigurationImportResult {
  schedules: number;
  triggers: number;
}

// Platform, audit and usage

/**
 * The signed-in user as `GET /me` describes them.
 *
 * @public
 */
export interface TenantJobsUser {
  userEntityRef: string;
  /**
   * Of the platform team (a member of a group in `tenantJobs.adminGroups`,
   * or allowed `tenant-jobs.tenant.provision`): sees every tenant.
   */
  admin: boolean;
  /** The tenants the user is a member of. */
  tenantIds: string[];
}

/**
 * What runs used: how many finished, and the resources their pods
 * requested for as long as their job containers ran.
 *
 * @public
 */
export interface UsageFigures {
  runs: number;
  cpuCoreHours: number;
  memoryGiBHours: number;
  gpuHours: number;
}

/**
 * A tenant as the platform team's overview (`GET /admin/tenants`) shows it.
 *
 * @public
 */
export interface AdminTenant {
  id: string;
  title?: string;
  /** Entity ref of the tenant's Group. */
  groupRef: string;
  /** The id of the tenant's plan. */
  plan: string;
  cluster: string;
  namespace: string;
  /** Runs holding one of the tenant's slots now. */
  activeJobs: number;
  /** Runs waiting in the tenant's queue. */
  queuedJobs: number;
  /** How many runs the plan lets run at once. */
  slots: number;
  /** Runs that finished in the last 7 days; `rate` is null when none did. */
  successRate7d: { succeeded: number; failed: number; rate: number | null };
  /** Null until the namespace exists or when the cluster could not be read. */
  quota: TenantQuotaUsage | null;
  usageThisMonth: UsageFigures;
}

/**
 * How current the plugin's view of one kind of Kubernetes object in a
 * cluster is.
 *
 * @public
 */
export interface AdminClusterWatch {
  /** The kind of object watched, e.g. `jobs` or `pods`. */
  resource: string;
  /** Whether the first list has arrived. */
  synced: boolean;
  /** Seconds since the watch last heard from the cluster. */
  stalenessSeconds: number;
  stalled: boolean;
  lastError?: string;
}

/**
 * A cluster's health as `GET /admin/clusters` tells it.
 *
 * @public
 */
export interface AdminCluster {
  name: string;
  reachable: boolean;
  /** Why the cluster last failed to answer, in words. */
  lastError?: string;
  /** When the cluster last answered, ISO 8601. */
  lastAnsweredAt?: string;
  /** The largest staleness of its watches, in seconds. */
  watchLagSeconds: number;
  watches: AdminClusterWatch[];
}

/**
 * What an audit event records was attempted; `request-refused` is any
 * other refused request.
 *
 * @public
 */
export type AuditAction =
  | 'run-submit'
  | 'run-cancel'
  | 'run-retry'
  | 'tenant-provision'
  | 'schedule-create'
  | 'schedule-pause'
  | 'schedule-resume'
  | 'schedule-run'
  | 'schedule-delete'
  | 'trigger-create'
  | 'trigger-delete'
  | 'trigger-launch'
  | 'configuration-import'
  | 'request-refused';

/**
 * How an audited action ended: done, refused (nothing changed) or failed.
 *
 * @public
 */
export type AuditOutcome = 'succeeded' | 'refused' | 'failed';

/**
 * One entry of the audit trail, as `GET /audit` returns it.
 *
 * @public
 */
export interface AuditEvent {
  id: number;
  /** When it happened, ISO 8601. */
  at: string;
  /** Entity ref of who acted. */
  actor: string;
  action: AuditAction;
  tenantId?: string;
  runId?: string;
  outcome: AuditOutcome;
  /** The actor acted as the platform team on another tenant's run, schedule or rule. */
  asAdmin: boolean;
  /** More about it, e.g. `{ status: 403, message: '...' }` on a refusal. */
  detail?: Record<string, unknown>;
}

/**
 * Filters of the audit trail; each list matches any of its values.
 *
 * @public
 */
export interface AuditFilter {
  tenantId?: string[];
  action?: AuditAction[];
  /** Entity ref of who acted. */
  actor?: string;
  outcome?: AuditOutcome[];
  /** ISO 8601 bounds on when it happened. */
  from?: string;
  to?: string;
}

/**
 * One page request of the audit trail.
 *
 * @public
 */
export interface AuditQuery extends AuditFilter {
  /** 1 to 200; 50 when absent. */
  limit?: number;
  cursor?: string;
}

/**
 * One page of the audit trail, newest first, and the cursor of the next.
 *
 * @public
 */
export interface AuditPage {
  items: AuditEvent[];
  nextCursor?: string;
}

/**
 * The audit events of a time range as a file: CSV or JSON Lines.
 *
 * @public
 */
export interface AuditExportQuery extends AuditFilter {
  format: 'csv' | 'jsonl';
  from: string;
  to: string;
}

/**
 * A file the backend sent for download.
 *
 * @public
 */
export interface TenantJobsDownload {
  /** The name the backend gave it, or one made up from the request. */
  fileName: string;
  contentType: string;
  text: string;
}

/**
 * What usage figures are summed by.
 *
 * @public
 */
export type UsageGrouping = 'tenant' | 'jobType' | 'day' | 'month';

/**
 * Which usage to report: of which tenants (by default every tenant the
 * user may read), over which time (by default this calendar month, UTC),
 * summed by what (by default tenant and job type).
 *
 * @public
 */
export interface UsageQuery {
  tenantId?: string[];
  /** ISO 8601; runs that finished within [from, to) count. */
  from?: string;
  to?: string;
  groupBy?: UsageGrouping[];
}

/**
 * A usage report, as `GET /usage` returns it: one item per group, and the
 * total.
 *
 * @public
 */
export interface UsageReport {
  from: string;
  to: string;
  groupBy: UsageGrouping[];
  items: Array<
    UsageFigures & {
      tenantId?: string;
      jobType?: string;
      /** `YYYY-MM-DD` or `YYYY-MM`. */
      period?: string;
    }
  >;
  total: UsageFigures;
}
