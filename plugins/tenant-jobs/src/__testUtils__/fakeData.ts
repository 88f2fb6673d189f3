import type { Entity } from '@backstage/catalog-model';
import {
  BUILT_IN_JOB_TYPES,
  PRIORITIES,
  TenantJobRun,
  TenantJobRunDetail,
  TenantJobTrigger,
  TIERS,
} from '@tenant-jobs/plugin-tenant-jobs-common';
import type { TenantJobType, TenantSummary } from '../api';
import type {
  TenantJobScheduleWithLastRun,
  TenantJobTriggerTopic,
} from '../api';

export const ENTITY: Entity = {
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'Component',
  metadata: {
    name: 'acme-warehouse-etl',
    namespace: 'default',
    title: 'Acme Warehouse ETL',
    annotations: { 'tenant-jobs.io/tenant-id': 'acme-analytics' },
  },
  spec: { type: 'service', owner: 'acme-analytics', lifecycle: 'production' },
};
export const ENTITY_REF = 'component:default/acme-warehouse-etl';

export const JOB_TYPES: TenantJobType[] = Object.values(BUILT_IN_JOB_TYPES).map(
  type => ({
    id: type.id,
    title: type.title,
    description: type.description,
    category: type.category,
    gpu: type.gpu ?? false,
    defaultTier: type.defaultTier,
    allowedTiers: [...type.allowedTiers],
    defaultDeadlineSeconds: type.defaultDeadlineSeconds,
    retries: type.retries,
    parameterSchema: type.parameterSchema,
  }),
);
export { PRIORITIES, TIERS };

export const ACME: TenantSummary = {
  id: 'acme-analytics',
  title: 'Acme Analytics',
  groupRef: 'group:default/acme-analytics',
  plan: {
    id: 'enterprise',
    maxTier: 'enterprise',
    maxConcurrentJobs: 10,
    maxPriority: 'critical',
    quota: { cpu: '64', memory: '256Gi', gpu: 8, pods: 50, jobs: 500 },
  },
  cluster: 'local',
  namespace: 'tenant-acme-analytics',
  activeJobs: 3,
  quota: {
    hard: {
      'requests.cpu': '64',
      'requests.memory': '256Gi',
      'requests.nvidia.com/gpu': '8',
      pods: '50',
    },
    used: {
      'requests.cpu': '48',
      'requests.memory': '16Gi',
      'requests.nvidia.com/gpu': '0',
      pods: '3',
    },
  },
};

export const INITECH: TenantSummary = {
  id: 'initech-labs',
  title: 'Initech Labs',
  groupRef: 'group:default/initech-labs',
  plan: {
    id: 'starter',
    maxTier: 'medium',
    maxConcurrentJobs: 2,
    allowedJobTypes: ['data-etl', 'security-scan', 'billing-report'],
    quota: { cpu: '4', memory: '8Gi', pods: 5, jobs: 50 },
  },
  cluster: 'local',
  namespace: 'tenant-initech-labs',
  activeJobs: 0,
  quota: null,
};

const T0 = Date.parse('2026-11-27T10:00:00Z');
const iso = (seconds: number) => new Date(T0 + seconds * 1000).toISOString();

export function run(overrides: Partial<TenantJobRun> = {}): TenantJobRun {
  return {
    id: '3f2c1a9e-0000-4000-8000-000000000001',
    tenantId: 'acme-analytics',
    jobType: 'data-etl',
    tier: 'large',
    priority: 'normal',
    status: 'Succeeded',
    reason: 'Completed',
    message: 'The Job completed',
    parameters: { source: 'events-db', destination: 'warehouse', mode: 'full' },
    createdAt: iso(0),
    startedAt: iso(5),
    finishedAt: iso(65),
    attempts: 1,
    durationSeconds: 60,
    queueWaitSeconds: 5,
    cluster: 'local',
    namespace: 'tenant-acme-analytics',
    jobName: 'data-etl-3f2c1a9e',
    submittedBy: 'user:default/alice',
    entityRef: ENTITY_REF,
    dryRun: false,
    ...overrides,
  };
}

export function detail(
  overrides: Partial<TenantJobRunDetail> = {},
): TenantJobRunDetail {
  return {
    ...run(),
    conditions: [],
    pods: [
      {
        name: 'data-etl-3f2c1a9e-abcde',
        phase: 'Succeeded',
        nodeName: 'kwok-cpu-1',
        startedAt: iso(5),
        finishedAt: iso(65),
        exitCode: 0,
        reason: 'Completed',
        restarts: 0,
      },
    ],
    logsArchived: true,
    ...overrides,
  };
}

// Schedules, trigger rules and configuration

export function schedule(
  overrides: Partial<TenantJobScheduleWithLastRun> = {},
): TenantJobScheduleWithLastRun {
  return {
    id: '5c4e0d1a-0000-4000-8000-000000000001',
    tenantId: 'acme-analytics',
    jobType: 'data-etl',
    tier: 'large',
    priority: 'normal',
    parameters: { source: 'events-db', destination: 'warehouse' },
    entityRef: ENTITY_REF,
    cron: '0 3 * * *',
    timeZone: 'Europe/Berlin',
    concurrencyPolicy: 'Forbid',
    startingDeadlineSeconds: 300,
    paused: false,
    cronJobName: 'data-etl-5c4e0d1a',
    namespace: 'tenant-acme-analytics',
    cluster: 'local',
    createdBy: 'user:default/alice',
    createdAt: iso(-86_400),
    updatedAt: iso(-86_400),
    nextRunTimes: [iso(61_200), iso(147_600), iso(234_000)],
    lastRun: { id: run().id, status: 'Succeeded', createdAt: iso(0) },
    ...overrides,
  };
}

export const TRIGGER_TOPICS: TenantJobTriggerTopic[] = [
  {
    topic: 'github.push',
    scope: 'tenant',
    tenantPath: 'tenant',
    description: 'A push to a repository of the tenant',
  },
  {
    topic: 'warehouse.loaded',
    scope: 'shared',
    description: 'The shared warehouse finished a nightly load',
  },
];

export function trigger(
  overrides: Partial<TenantJobTrigger> = {},
): TenantJobTrigger {
  return {
    id: '7d1f2e3b-0000-4000-8000-000000000001',
    tenantId: 'acme-analytics',
    jobType: 'security-scan',
    priority: 'normal',
    entityRef: ENTITY_REF,
    topic: 'github.push',
    filter: { 'repository.name': 'acme-warehouse-etl', ref: 'refs/heads/main' },
    parameters: {},
    createdBy: 'user:default/alice',
    createdAt: iso(-3_600),
    launched: 12,
    dropped: { QuotaExceeded: 2, QueueFull: 1 },
    ...overrides,
  };
}
