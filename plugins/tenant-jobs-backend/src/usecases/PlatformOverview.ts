import { resolvePlanLimits } from '@tenant-jobs/plugin-tenant-jobs-common';
import { Clock } from '../lib/clock';
import { UsageStore } from '../database';
import { TenantService } from './TenantService';
import { currentMonth, UsageFigures, UsageReports } from './UsageReport';

/** How a cluster answers and how far behind its watches are. */
export type ClusterHealthSource = {
  report(): Array<{
    cluster: string;
    reachable: boolean;
    lastError?: string;
    lastAnsweredAt?: string;
    watches: Array<{
      resource: string;
      synced: boolean;
      stalenessSeconds: number;
      stalled: boolean;
      lastError?: string;
    }>;
  }>;
};

const WEEK_MS = 7 * 86_400_000;

const NO_USAGE: UsageFigures = {
  runs: 0,
  cpuCoreHours: 0,
  memoryGiBHours: 0,
  gpuHours: 0,
};

/**
 * Every tenant at a glance, for the platform team: plan, cluster, slots in
 * use and waiting, how its runs of the last 7 days ended, its quota use
 * and its usage this month; and each cluster's health.
 */
export class PlatformOverview {
  constructor(
    private readonly deps: {
      tenants: Pick<TenantService, 'summariesOfAll'>;
      usage: Pick<UsageStore, 'tenantFigures'>;
      reports: Pick<UsageReports, 'byTenant'>;
      health?: ClusterHealthSource;
      clock: Clock;
    },
  ) {}

  async tenants() {
    const now = new Date(this.deps.clock.now());
    const month = currentMonth(now);
    const [summaries, figures, usage] = await Promise.all([
      this.deps.tenants.summariesOfAll(),
      this.deps.usage.tenantFigures(new Date(now.getTime() - WEEK_MS)),
      this.deps.reports.byTenant(month.from, month.to),
    ]);
    return summaries.map(summary => {
      const f = figures.get(summary.id);
      const succeeded = f?.succeeded ?? 0;
      const failed = f?.failed ?? 0;
      return {
        id: summary.id,
        ...(summary.title !== undefined && { title: summary.title }),
        groupRef: summary.groupRef,
        plan: summary.plan.id,
        cluster: summary.cluster,
        namespace: summary.namespace,
        activeJobs: f?.active ?? 0,
        queuedJobs: f?.queued ?? 0,
        slots: resolvePlanLimits(summary.plan).maxConcurrentJobs,
        successRate7d: {
          succeeded,
          failed,
          rate:
            succeeded + failed > 0 ? succeeded / (succeeded + failed) : null,
        },
        quota: summary.quota,
        usageThisMonth: usage.get(summary.id) ?? NO_USAGE,
      };
    });
  }

  /** Each cluster: reachable, its watches' lag, the last error in words. */
  clusters() {
    return (this.deps.health?.report() ?? []).map(cluster => ({
      name: cluster.cluster,
      reachable: cluster.reachable,
      ...(cluster.lastError !== undefined && { lastError: cluster.lastError }),
      ...(cluster.lastAnsweredAt !== undefined && {
        lastAnsweredAt: cluster.lastAnsweredAt,
      }),
      watchLagSeconds: Math.max(
        0,
        ...cluster.watches.map(w => w.stalenessSeconds),
      ),
      watches: cluster.watches.map(w => ({
        resource: w.resource,
        synced: w.synced,
        stalenessSeconds: w.stalenessSeconds,
        stalled: w.stalled,
        ...(w.lastError !== undefined && { lastError: w.lastError }),
      })),
    }));
  }
}
