import type {
  TenantJobStats,
  TenantJobStatsBucket,
  TenantJobStatsBucketSize,
} from '@tenant-jobs/plugin-tenant-jobs-common';
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

const HOUR_MS = 3_600_000;
const DAY_MS = 24 * HOUR_MS;
/** 1970-01-05, the first Monday after the epoch, in ms. */
const FIRST_MONDAY_MS = 4 * DAY_MS;

/** Most buckets one `GET /stats` answers with. */
export const MAX_STATS_BUCKETS = 400;

/** The start of the bucket `time` (ms) falls in, aligned in UTC. */
export function bucketStart(
  time: number,
  size: TenantJobStatsBucketSize,
): number {
  if (size === 'hour') return Math.floor(time / HOUR_MS) * HOUR_MS;
  if (size === 'day') return Math.floor(time / DAY_MS) * DAY_MS;
  const week = 7 * DAY_MS;
  return Math.floor((time - FIRST_MONDAY_MS) / week) * week + FIRST_MONDAY_MS;
}

function bucketEnd(start: number, size: TenantJobStatsBucketSize): number {
  if (size === 'hour') return start + HOUR_MS;
  return start + (size === 'day' ? DAY_MS : 7 * DAY_MS);
}

/** How many buckets the window from..to (ms) spans. */
export function countBuckets(
  from: number,
  to: number,
  size: TenantJobStatsBucketSize,
): number {
  let count = 0;
  for (
    let start = bucketStart(from, size);
    start < to && count <= MAX_STATS_BUCKETS;
    start = bucketEnd(start, size)
  ) {
    count++;
  }
  return Math.max(count, 1);
}

/**
 * The figures of {@link computeStats} per time bucket of the window
 * from..to (ms) by submission time, oldest first; buckets without runs
 * are there with no items, so a chart's time axis has no gaps.
 */
export function computeStatsBuckets(
  timings: RunTiming[],
  window: { from: number; to: number; size: TenantJobStatsBucketSize },
): TenantJobStatsBucket[] {
  const { from, to, size } = window;
  const byStart = new Map<number, RunTiming[]>();
  for (const timing of timings) {
    const start = bucketStart(timing.createdAt, size);
    const list = byStart.get(start);
    if (list) list.push(timing);
    else byStart.set(start, [timing]);
  }
  const buckets: TenantJobStatsBucket[] = [];
  for (
    let start = bucketStart(from, size);
    start < to && buckets.length < MAX_STATS_BUCKETS;
    start = bucketEnd(start, size)
  ) {
    buckets.push({
      from: new Date(start).toISOString(),
      to: new Date(bucketEnd(start, size)).toISOString(),
      items: computeStats(byStart.get(start) ?? []),
    });
  }
  return buckets;
}
