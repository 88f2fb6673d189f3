import type {
  AdminCluster,
  AdminTenant,
  AuditEvent,
  TenantJobsUser,
  UsageReport,
} from '../api';

/** Alice: a member of Acme Analytics, not of the platform team. */
export const ALICE: TenantJobsUser = {
  userEntityRef: 'user:default/alice',
  admin: false,
  tenantIds: ['acme-analytics'],
};

/** Dave: of the platform team, a member of no tenant. */
export const DAVE: TenantJobsUser = {
  userEntityRef: 'user:default/dave',
  admin: true,
  tenantIds: [],
};

export const ADMIN_TENANTS: AdminTenant[] = [
  {
    id: 'acme-analytics',
    title: 'Acme Analytics',
    groupRef: 'group:default/acme-analytics',
    plan: 'enterprise',
    cluster: 'local',
    namespace: 'tenant-acme-analytics',
    activeJobs: 2,
    queuedJobs: 1,
    slots: 10,
    successRate7d: { succeeded: 8, failed: 2, rate: 0.8 },
    quota: {
      hard: { 'requests.cpu': '64', 'requests.memory': '256Gi' },
      used: { 'requests.cpu': '16', 'requests.memory': '64Gi' },
    },
    usageThisMonth: {
      runs: 42,
      cpuCoreHours: 12.5,
      memoryGiBHours: 40.125,
      gpuHours: 0,
    },
  },
  {
    id: 'globex-retail',
    groupRef: 'group:default/globex-retail',
    plan: 'starter',
    cluster: 'edge',
    namespace: 'tenant-globex-retail',
    activeJobs: 0,
    queuedJobs: 0,
    slots: 2,
    successRate7d: { succeeded: 0, failed: 0, rate: null },
    quota: null,
    usageThisMonth: {
      runs: 0,
      cpuCoreHours: 0,
      memoryGiBHours: 0,
      gpuHours: 0,
    },
  },
];

export const CLUSTERS: AdminCluster[] = [
  {
    name: 'local',
    reachable: true,
    lastAnsweredAt: '2026-11-27T10:00:00.000Z',
    watchLagSeconds: 3,
    watches: [
      { resource: 'jobs', synced: true, stalenessSeconds: 3, stalled: false },
    ],
  },
  {
    name: 'edge',
    reachable: false,
    lastError: 'connect ECONNREFUSED 10.0.0.7:6443',
    watchLagSeconds: 420,
    watches: [
      {
        resource: 'pods',
        synced: true,
        stalenessSeconds: 420,
        stalled: true,
        lastError: 'connect ECONNREFUSED 10.0.0.7:6443',
      },
    ],
  },
];

export function auditEvent(overrides: Partial<AuditEvent> = {}): AuditEvent {
  return {
    id: 7,
    at: '2026-11-27T10:00:00.000Z',
    actor: 'user:default/alice',
    action: 'run-submit',
    tenantId: 'acme-analytics',
    runId: '3f2c1a9e-0000-4000-8000-000000000001',
    outcome: 'succeeded',
    asAdmin: false,
    ...overrides,
  };
}

export const USAGE: UsageReport = {
  from: '2026-11-01T00:00:00.000Z',
  to: '2026-12-01T00:00:00.000Z',
  groupBy: ['tenant', 'jobType'],
  items: [
    {
      tenantId: 'acme-analytics',
      jobType: 'data-etl',
      runs: 30,
      cpuCoreHours: 10.256,
      memoryGiBHours: 32,
      gpuHours: 0,
    },
    {
      tenantId: 'acme-analytics',
      jobType: 'ml-training',
      runs: 2,
      cpuCoreHours: 4,
      memoryGiBHours: 16.5,
      gpuHours: 3.333,
    },
  ],
  total: {
    runs: 32,
    cpuCoreHours: 14.256,
    memoryGiBHours: 48.5,
    gpuHours: 3.333,
  },
};
