import { createApiRef } from '@backstage/frontend-plugin-api';
import type {
  Priority,
  Tier,
  TenantJobRun,
  TenantJobRunDetail,
  TenantJobRunPage,
  TenantJobStatsBucketSize,
  TenantJobStatsResponse,
} from '@tenant-jobs/plugin-tenant-jobs-common';
import type {
  TenantJobDryRunVerdict,
  TenantJobEvents,
  TenantJobLaunchRequest,
  TenantJobLog,
  TenantJobsFilter,
  TenantJobsListQuery,
  TenantJobType,
  TenantSummary,
} from './types';
import type {
  TenantConfigurationImportResult,
  TenantConfigurationPreview,
  TenantJobScheduleRequest,
  TenantJobScheduleWithLastRun,
  TenantJobTriggerRequest,
  TenantJobTriggerTopic,
} from './types';
import type { TenantJobTrigger } from '@tenant-jobs/plugin-tenant-jobs-common';
import type {
  AdminCluster,
  AdminTenant,
  AuditExportQuery,
  AuditPage,
  AuditQuery,
  TenantJobsDownload,
  TenantJobsUser,
  UsageQuery,
  UsageReport,
} from './types';

/**
 * The Tenant Jobs REST API (`/api/tenant-jobs`) as the frontend uses it.
 * Errors are {@link TenantJobsApiError}s.
 *
 * @public
 */
export interface TenantJobsApi {
  getJobTypes(): Promise<TenantJobType[]>;
  getTiers(): Promise<Tier[]>;
  getPriorities(): Promise<Priority[]>;
  /** The signed-in user's tenants with plan and live quota. */
  getTenants(): Promise<TenantSummary[]>;
  /** One page of runs, newest first. */
  listRuns(query: TenantJobsListQuery): Promise<TenantJobRunPage>;
  getRun(id: string): Promise<TenantJobRunDetail>;
  getRunEvents(id: string): Promise<TenantJobEvents>;
  /** A pod's log (the newest attempt's by default), live or archived. */
  getRunLog(
    id: string,
    options?: { pod?: string; tailLines?: number },
  ): Promise<TenantJobLog>;
  /**
   * Streams a pod's log: `onText` gets the text as it arrives, until the
   * log ends (with `follow`, when the pod ends) or `signal` aborts.
   * Resolves with where the log came from.
   */
  streamRunLog(
    id: string,
    options: {
      pod?: string;
      tailLines?: number;
      /** Keep reading while the pod runs. */
      follow: boolean;
      signal: AbortSignal;
      onText(text: string): void;
      /** Told where the log comes from as soon as it starts. */
      onSource?(source: 'live' | 'archive'): void;
    },
  ): Promise<{ source: 'live' | 'archive' }>;
  launch(request: TenantJobLaunchRequest): Promise<TenantJobRun>;
  /** Judges a request without creating anything. */
  dryRun(request: TenantJobLaunchRequest): Promise<TenantJobDryRunVerdict>;
  cancel(id: string): Promise<TenantJobRun>;
  /** A new run from a finished run's request. */
  retry(id: string): Promise<TenantJobRun>;
  getStats(
    filter: TenantJobsFilter & { bucket?: TenantJobStatsBucketSize },
  ): Promise<TenantJobStatsResponse>;

  // Schedules, trigger rules and configuration

  /** Schedules of one tenant, or of every tenant the caller may read. */
  listSchedules(query?: {
    tenantId?: string;
  }): Promise<TenantJobScheduleWithLastRun[]>;
  createSchedule(
    request: TenantJobScheduleRequest,
  ): Promise<TenantJobScheduleWithLastRun>;
  pauseSchedule(id: string): Promise<TenantJobScheduleWithLastRun>;
  resumeSchedule(id: string): Promise<TenantJobScheduleWithLastRun>;
  /** Starts a run of the schedule now, outside its cron. */
  runSchedule(id: string): Promise<TenantJobRun>;
  deleteSchedule(id: string): Promise<void>;
  /** The events topics trigger rules may listen to. */
  listTriggerTopics(): Promise<TenantJobTriggerTopic[]>;
  /** Trigger rules of one tenant, or of every tenant the caller may read. */
  listTriggers(query?: { tenantId?: string }): Promise<TenantJobTrigger[]>;
  createTrigger(request: TenantJobTriggerRequest): Promise<TenantJobTrigger>;
  deleteTrigger(id: string): Promise<void>;
  /** A tenant's schedules and trigger rules as a YAML document. */
  exportConfiguration(tenantId: string): Promise<string>;
  /** What importing a YAML document would create and refuse; creates nothing. */
  previewConfiguration(
    tenantId: string,
    yaml: string,
  ): Promise<TenantConfigurationPreview>;
  /** Creates a YAML document's schedules and trigger rules, all or none. */
  importConfiguration(
    tenantId: string,
    yaml: string,
  ): Promise<TenantConfigurationImportResult>;

  // Platform, audit and usage

  /** Who the signed-in user is: of the platform team or not, and their tenants. */
  getMe(): Promise<TenantJobsUser>;
  /** Every tenant with its load, success rate, quota and usage; for the platform team only. */
  getAdminTenants(): Promise<AdminTenant[]>;
  /** Every cluster's health; for the platform team only. */
  getAdminClusters(): Promise<AdminCluster[]>;
  /** One page of the audit events the user may read, newest first. */
  listAuditEvents(query: AuditQuery): Promise<AuditPage>;
  /** Every audit event of a time range that matches the filters, as a file. */
  exportAudit(query: AuditExportQuery): Promise<TenantJobsDownload>;
  /** CPU, memory and GPU use and run counts, summed by tenant, job type or period. */
  getUsage(query: UsageQuery): Promise<UsageReport>;
  /** The rows of {@link TenantJobsApi.getUsage} as a CSV file. */
  usageCsv(query: UsageQuery): Promise<TenantJobsDownload>;
}

/**
 * The Utility API reference of {@link TenantJobsApi}.
 *
 * @public
 */
export const tenantJobsApiRef = createApiRef<TenantJobsApi>().with({
  id: 'plugin.tenant-jobs.api',
  pluginId: 'tenant-jobs',
});
