import type { TenantJobStats } from '@tenant-jobs/plugin-tenant-jobs-common';
import { RunTiming } from '../database';

/** The p-th percentile (0..1) of sorted values, nearest rank. */
export function percentile(sorted: number[], p: number): number | undefined {
  if (sorted.length === 0) return undefined;
  const rank = Math.ceil(p * sorted.length) - 1;
  return sorted[Math.min(sorted.length - 1, Math.max(0, rank))];
}

const round = (value: number | undefined) =>
  value === undefined ? undefined : Math.round(value * 10) / 10;

/**
 * Counts by outcome, success rate and p50/p95 of duration and queue wait
 * per tenant and job type, sorted by tenant then type.
 */
export function computeStats(timings: RunTiming[]): TenantJobStats[] {
  const groups = new Map<string, RunTiming[]>();
  for (const timing of timings) {
    const key = JSON.stringify([timing.tenantId, timing.jobType]);
    const list = groups.get(key);
    if (list) list.push(timing);
    else groups.set(key, [timing]);
  }
  const byName = (a: string, b: string) => {
    if (a === b) return 0;
    return a < b ? -1 : 1;
  };
  return [...groups.values()]
    .sort(
      (a, b) =>
        byName(a[0].tenantId, b[0].tenantId) ||
        byName(a[0].jobType, b[0].jobType),
    )
    .map(runs => {
      const count = (status: string) =>
        runs.filter(run => run.status === status).length;
      const succeeded = count('Succeeded');
      const failed = count('Failed');
      const durations = runs
        .filter(r => r.finishedAt !== undefined && r.startedAt !== undefined)
        .map(r => (r.finishedAt! - r.startedAt!) / 1000)
        .sort((a, b) => a - b);
      const waits = runs
        .filter(r => r.startedAt !== undefined)
        .map(r => Math.max(0, (r.startedAt! - r.createdAt) / 1000))
        .sort((a, b) => a - b);
      return {
        tenantId: runs[0].tenantId,
        jobType: runs[0].jobType,
        total: runs.length,
        succeeded,
        failed,
        cancelled: count('Cancelled'),
        active: runs.length - succeeded - failed - count('Cancelled'),
        successRate:
          succeeded + failed > 0
            ? Math.round((succeeded / (succeeded + failed)) * 1000) / 1000
            : undefined,
        durationP50Seconds: round(percentile(durations, 0.5)),
        durationP95Seconds: round(percentile(durations, 0.95)),
        queueWaitP50Seconds: round(percentile(waits, 0.5)),
        queueWaitP95Seconds: round(percentile(waits, 0.95)),
      };
    });
}
