import type { TenantJobLaunchRequest, TenantJobsApi } from '../api';
import { ACME, detail, JOB_TYPES, PRIORITIES, run, TIERS } from './fakeData';
import { schedule, trigger, TRIGGER_TOPICS } from './fakeData';
import type { TenantJobScheduleRequest, TenantJobTriggerRequest } from '../api';
import {
  ADMIN_TENANTS,
  ALICE,
  auditEvent,
  CLUSTERS,
  USAGE,
} from './fakePlatformData';

/** A TenantJobsApi of jest mocks answering with the fake data. */
export function fakeApi(
  overrides: Partial<Record<keyof TenantJobsApi, jest.Mock>> = {},
): jest.Mocked<TenantJobsApi> {
  const api: Record<keyof TenantJobsApi, jest.Mock> = {
    getJobTypes: jest.fn(async () => JOB_TYPES),
    getTiers: jest.fn(async () => [...TIERS]),
    getPriorities: jest.fn(async () => [...PRIORITIES]),
    getTenants: jest.fn(async () => [ACME]),
    listRuns: jest.fn(async () => ({ items: [run()] })),
    getRun: jest.fn(async () => detail()),
    getRunEvents: jest.fn(async () => ({
      source: 'archive' as const,
      items: [
        {
          type: 'Normal',
          reason: 'Completed',
          message: 'Job completed',
          objectKind: 'Job',
          objectName: 'data-etl-3f2c1a9e',
          count: 1,
        },
      ],
    })),
    getRunLog: jest.fn(async () => ({
      source: 'archive' as const,
      text: 'loading events\ndone\n',
    })),
    streamRunLog: jest.fn(
      async (
        _id: string,
        options: { onText(text: string): void; onSource?(s: string): void },
      ) => {
        options.onSource?.('archive');
        options.onText('loading events\ndone\n');
        return { source: 'archive' as const };
      },
    ),
    launch: jest.fn(async (request: TenantJobLaunchRequest) =>
      run({
        id: '3f2c1a9e-0000-4000-8000-000000000099',
        status: 'Pending',
        jobType: request.jobType,
        parameters: request.parameters ?? {},
      }),
    ),
    dryRun: jest.fn(async (request: TenantJobLaunchRequest) => ({
      dryRun: true as const,
      tenantId: request.tenantId,
      jobType: request.jobType,
      tier: request.tier ?? 'large',
      priority: request.priority ?? 'normal',
      namespace: 'tenant-acme-analytics',
      jobName: 'data-etl-new',
      checkedBy: 'apiserver' as const,
      message:
        'The cluster would accept Job data-etl-new in tenant-acme-analytics',
      manifest: {},
    })),
    cancel: jest.fn(async (id: string) => run({ id, status: 'Cancelled' })),
    retry: jest.fn(async () =>
      run({ id: '3f2c1a9e-0000-4000-8000-000000000077', status: 'Queued' }),
    ),
    getStats: jest.fn(async () => ({
      from: '2026-10-28T00:00:00.000Z',
      items: [
        {
          tenantId: 'acme-analytics',
          jobType: 'data-etl',
          total: 10,
          succeeded: 8,
          failed: 2,
          cancelled: 0,
          active: 0,
          successRate: 0.8,
          durationP50Seconds: 60,
          durationP95Seconds: 120,
          queueWaitP50Seconds: 20,
          queueWaitP95Seconds: 90,
        },
      ],
      bucket: 'day' as const,
      buckets: [],
    })),
    // Schedules, trigger rules and configuration
    listSchedules: jest.fn(async () => [schedule()]),
    createSchedule: jest.fn(async (request: TenantJobScheduleRequest) =>
      schedule({
        id: '5c4e0d1a-0000-4000-8000-000000000099',
        jobType: request.jobType,
        cron: request.cron,
        timeZone: request.timeZone ?? 'UTC',
        lastRun: undefined,
      }),
    ),
    pauseSchedule: jest.fn(async (id: string) =>
      schedule({ id, paused: true, nextRunTimes: [] }),
    ),
    resumeSchedule: jest.fn(async (id: string) => schedule({ id })),
    runSchedule: jest.fn(async () =>
      run({ id: '3f2c1a9e-0000-4000-8000-000000000055', status: 'Pending' }),
    ),
    deleteSchedule: jest.fn(async () => undefined),
    listTriggerTopics: jest.fn(async () => TRIGGER_TOPICS),
    listTriggers: jest.fn(async () => [trigger()]),
    createTrigger: jest.fn(async (request: TenantJobTriggerRequest) =>
      trigger({
        id: '7d1f2e3b-0000-4000-8000-000000000099',
        jobType: request.jobType,
        topic: request.topic,
        filter: request.filter ?? {},
        launched: 0,
        dropped: {},
      }),
    ),
    deleteTrigger: jest.fn(async () => undefined),
    exportConfiguration: jest.fn(
      async () =>
        "schedules:\n  - jobType: data-etl\n    cron: '0 3 * * *'\ntriggers: []\n",
    ),
    previewConfiguration: jest.fn(async () => ({
      dryRun: true as const,
      schedules: [
        {
          jobType: 'data-etl',
          cron: '0 3 * * *',
          timeZone: 'UTC',
          paused: false,
        },
      ],
      triggers: [{ jobType: 'security-scan', topic: 'github.push' }],
      problems: [],
    })),
    importConfiguration: jest.fn(async () => ({ schedules: 1, triggers: 1 })),

    // Platform, audit and usage
    getMe: jest.fn(async () => ALICE),
    getAdminTenants: jest.fn(async () => ADMIN_TENANTS),
    getAdminClusters: jest.fn(async () => CLUSTERS),
    listAuditEvents: jest.fn(async () => ({ items: [auditEvent()] })),
    exportAudit: jest.fn(async () => ({
      fileName: 'tenant-jobs-audit.csv',
      contentType: 'text/csv',
      text: 'id,at,actor,action,tenantId,runId,outcome,asAdmin,detail\n',
    })),
    getUsage: jest.fn(async () => USAGE),
    usageCsv: jest.fn(async () => ({
      fileName: 'tenant-jobs-usage.csv',
      contentType: 'text/csv',
      text: 'tenantId,jobType,period,runs,cpuCoreHours,memoryGiBHours,gpuHours\n',
    })),
  };
  return Object.assign(api, overrides) as unknown as jest.Mocked<TenantJobsApi>;
}
