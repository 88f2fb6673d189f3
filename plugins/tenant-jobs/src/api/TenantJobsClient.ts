import type { DiscoveryApi, FetchApi } from '@backstage/frontend-plugin-api';
import type {
  Priority,
  Tier,
  TenantJobRun,
  TenantJobRunDetail,
  TenantJobRunPage,
  TenantJobStatsBucketSize,
  TenantJobStatsResponse,
} from '@tenant-jobs/plugin-tenant-jobs-common';
import type { TenantJobsApi } from './TenantJobsApi';
import { TenantJobsApiError } from './TenantJobsApiError';
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
  AuditFilter,
  AuditPage,
  AuditQuery,
  TenantJobsDownload,
  TenantJobsUser,
  UsageQuery,
  UsageReport,
} from './types';
import { downloadOf } from './download';
import { repeatedQuery } from './repeatedQuery';

const PLUGIN_ID = 'tenant-jobs';

type Query = Record<string, string | number | string[] | undefined>;

function queryString(query: Query): string {
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(query)) {
    if (value === undefined || value === '') continue;
    if (Array.isArray(value)) {
      if (value.length > 0) params.set(key, value.join(','));
    } else {
      params.set(key, String(value));
    }
  }
  const text = params.toString();
  return text ? `?${text}` : '';
}

function filterQuery(filter: TenantJobsFilter): Query {
  return {
    tenantId: filter.tenant,
    entityRef: filter.entityRef,
    status: filter.status,
    type: filter.type,
    priority: filter.priority,
    submittedBy: filter.submittedBy,
    from: filter.from,
    to: filter.to,
  };
}

/**
 * {@link TenantJobsApi} over HTTP: `discoveryApi` finds the backend,
 * `fetchApi` sends the user's token.
 *
 * @public
 */
export class TenantJobsClient implements TenantJobsApi {
  constructor(
    private readonly deps: { discoveryApi: DiscoveryApi; fetchApi: FetchApi },
  ) {}

  private async request(path: string, init?: RequestInit): Promise<Response> {
    const base = await this.deps.discoveryApi.getBaseUrl(PLUGIN_ID);
    let response: Response;
    try {
      response = await this.deps.fetchApi.fetch(`${base}${path}`, init);
    } catch (error) {
      if ((error as Error)?.name === 'AbortError') throw error;
      throw new TenantJobsApiError(
        `The Tenant Jobs backend could not be reached: ${
          (error as Error)?.message ?? error
        }`,
        0,
      );
    }
    if (!response.ok) throw await TenantJobsApiError.fromResponse(response);
    return response;
  }

  private async json<T>(path: string, init?: RequestInit): Promise<T> {
    return (await this.request(path, init)).json() as Promise<T>;
  }

  private post<T>(path: string, body?: unknown): Promise<T> {
    return this.json<T>(path, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify(body ?? {}),
    });
  }

  async getJobTypes(): Promise<TenantJobType[]> {
    return (await this.json<{ items: TenantJobType[] }>('/job-types')).items;
  }

  async getTiers(): Promise<Tier[]> {
    return (await this.json<{ items: Tier[] }>('/tiers')).items;
  }

  async getPriorities(): Promise<Priority[]> {
    return (await this.json<{ items: Priority[] }>('/priorities')).items;
  }

  async getTenants(): Promise<TenantSummary[]> {
    return (await this.json<{ items: TenantSummary[] }>('/tenants')).items;
  }

  listRuns(query: TenantJobsListQuery): Promise<TenantJobRunPage> {
    return this.json(
      `/runs${queryString({
        ...filterQuery(query),
        limit: query.limit,
        cursor: query.cursor,
        scheduleId: query.scheduleId,
      })}`,
    );
  }

  getRun(id: string): Promise<TenantJobRunDetail> {
    return this.json(`/runs/${encodeURIComponent(id)}`);
  }

  getRunEvents(id: string): Promise<TenantJobEvents> {
    return this.json(`/runs/${encodeURIComponent(id)}/events`);
  }

  async getRunLog(
    id: string,
    options: { pod?: string; tailLines?: number } = {},
  ): Promise<TenantJobLog> {
    const response = await this.request(
      `/runs/${encodeURIComponent(id)}/logs${queryString({
        pod: options.pod,
        tailLines: options.tailLines,
      })}`,
    );
    return { source: sourceOf(response), text: await response.text() };
  }

  async streamRunLog(
    id: string,
    options: {
      pod?: string;
      tailLines?: number;
      follow: boolean;
      signal: AbortSignal;
      onText(text: string): void;
      /** Told where the log comes from as soon as it starts. */
      onSource?(source: 'live' | 'archive'): void;
    },
  ): Promise<{ source: 'live' | 'archive' }> {
    const response = await this.request(
      `/runs/${encodeURIComponent(id)}/logs${queryString({
        pod: options.pod,
        tailLines: options.tailLines,
        follow: options.follow ? 'true' : undefined,
      })}`,
      { signal: options.signal },
    );
    const source = sourceOf(response);
    options.onSource?.(source);
    if (!response.body) {
      options.onText(await response.text());
      return { source };
    }
    const reader = response.body.getReader();
    const decoder = new TextDecoder();
    try {
      for (;;) {
        const { done, value } = await reader.read();
        if (done) break;
        options.onText(decoder.decode(value, { stream: true }));
      }
      const rest = decoder.decode();
      if (rest) options.onText(rest);
    } catch (error) {
      if (!options.signal.aborted) throw error;
    } finally {
      reader.releaseLock();
    }
    return { source };
  }

  launch(request: TenantJobLaunchRequest): Promise<TenantJobRun> {
    return this.post('/runs', { ...request, dryRun: false });
  }

  dryRun(request: TenantJobLaunchRequest): Promise<TenantJobDryRunVerdict> {
    return this.post('/runs', { ...request, dryRun: true });
  }

  cancel(id: string): Promise<TenantJobRun> {
    return this.post(`/runs/${encodeURIComponent(id)}/cancel`);
  }

  retry(id: string): Promise<TenantJobRun> {
    return this.post(`/runs/${encodeURIComponent(id)}/retry`);
  }

  getStats(
    filter: TenantJobsFilter & { bucket?: TenantJobStatsBucketSize },
  ): Promise<TenantJobStatsResponse> {
    return this.json(
      `/stats${queryString({ ...filterQuery(filter), bucket: filter.bucket })}`,
    );
  }

  // Schedules, trigger rules and configuration

  async listSchedules(
    query: { tenantId?: string } = {},
  ): Promise<TenantJobScheduleWithLastRun[]> {
    return (
      await this.json<{ items: TenantJobScheduleWithLastRun[] }>(
        `/schedules${queryString({ tenantId: query.tenantId })}`,
      )
    ).items;
  }

  createSchedule(
    request: TenantJobScheduleRequest,
  ): Promise<TenantJobScheduleWithLastRun> {
    return this.post('/schedules', request);
  }

  pauseSchedule(id: string): Promise<TenantJobScheduleWithLastRun> {
    return this.post(`/schedules/${encodeURIComponent(id)}/pause`);
  }

  resumeSchedule(id: string): Promise<TenantJobScheduleWithLastRun> {
    return this.post(`/schedules/${encodeURIComponent(id)}/resume`);
  }

  runSchedule(id: string): Promise<TenantJobRun> {
    return this.post(`/schedules/${encodeURIComponent(id)}/run`);
  }

  async deleteSchedule(id: string): Promise<void> {
    await this.request(`/schedules/${encodeURIComponent(id)}`, {
      method: 'DELETE',
    });
  }

  async listTriggerTopics(): Promise<TenantJobTriggerTopic[]> {
    return (
      await this.json<{ items: TenantJobTriggerTopic[] }>('/trigger-topics')
    ).items;
  }

  async listTriggers(
    query: { tenantId?: string } = {},
  ): Promise<TenantJobTrigger[]> {
    return (
      await this.json<{ items: TenantJobTrigger[] }>(
        `/triggers${queryString({ tenantId: query.tenantId })}`,
      )
    ).items;
  }

  createTrigger(request: TenantJobTriggerRequest): Promise<TenantJobTrigger> {
    return this.post('/triggers', request);
  }

  async deleteTrigger(id: string): Promise<void> {
    await this.request(`/triggers/${encodeURIComponent(id)}`, {
      method: 'DELETE',
    });
  }

  async exportConfiguration(tenantId: string): Promise<string> {
    const response = await this.request(
      `/tenants/${encodeURIComponent(tenantId)}/configuration`,
      { headers: { Accept: 'application/yaml' } },
    );
    return response.text();
  }

  previewConfiguration(
    tenantId: string,
    yaml: string,
  ): Promise<TenantConfigurationPreview> {
    return this.json(
      `/tenants/${encodeURIComponent(tenantId)}/configuration?dryRun=true`,
      yamlUpload(yaml),
    );
  }

  importConfiguration(
    tenantId: string,
    yaml: string,
  ): Promise<TenantConfigurationImportResult> {
    return this.json(
      `/tenants/${encodeURIComponent(tenantId)}/configuration`,
      yamlUpload(yaml),
    );
  }

  // Platform, audit and usage

  getMe(): Promise<TenantJobsUser> {
    return this.json('/me');
  }

  async getAdminTenants(): Promise<AdminTenant[]> {
    return (await this.json<{ items: AdminTenant[] }>('/admin/tenants')).items;
  }

  async getAdminClusters(): Promise<AdminCluster[]> {
    return (await this.json<{ items: AdminCluster[] }>('/admin/clusters'))
      .items;
  }

  listAuditEvents(query: AuditQuery): Promise<AuditPage> {
    return this.json(
      `/audit${repeatedQuery({
        ...auditFilterQuery(query),
        limit: query.limit,
        cursor: query.cursor,
      })}`,
    );
  }

  async exportAudit(query: AuditExportQuery): Promise<TenantJobsDownload> {
    const response = await this.request(
      `/audit/export${repeatedQuery({
        format: query.format,
        ...auditFilterQuery(query),
      })}`,
    );
    return downloadOf(
      response,
      `tenant-jobs-audit-${query.from}-${query.to}.${query.format}`,
    );
  }

  getUsage(query: UsageQuery): Promise<UsageReport> {
    return this.json(`/usage${repeatedQuery(usageQuery(query))}`);
  }

  async usageCsv(query: UsageQuery): Promise<TenantJobsDownload> {
    const response = await this.request(
      `/usage${repeatedQuery({ ...usageQuery(query), format: 'csv' })}`,
    );
    return downloadOf(response, 'tenant-jobs-usage.csv');
  }
}

/** The audit routes' filter parameters; lists repeat their parameter. */
function auditFilterQuery(filter: AuditFilter) {
  return {
    tenantId: filter.tenantId,
    action: filter.action,
    actor: filter.actor,
    outcome: filter.outcome,
    from: filter.from,
    to: filter.to,
  };
}

/** The usage route's parameters: tenants repeated, groups comma-separated. */
function usageQuery(query: UsageQuery) {
  return {
    tenantId: query.tenantId,
    from: query.from,
    to: query.to,
    groupBy: query.groupBy?.length ? query.groupBy.join(',') : undefined,
  };
}

/** A configuration document as the body of a POST. */
function yamlUpload(yaml: string): RequestInit {
  return {
    method: 'POST',
    headers: { 'Content-Type': 'application/yaml' },
    body: yaml,
  };
}

function sourceOf(response: Response): 'live' | 'archive' {
  return response.headers.get('Tenant-Jobs-Log-Source') === 'archive'
    ? 'archive'
    : 'live';
}
