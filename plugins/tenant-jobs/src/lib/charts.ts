import type {
  TenantJobStats,
  TenantJobStatsResponse,
} from '@tenant-jobs/plugin-tenant-jobs-common';

/** One point of a chart; `y` undefined is a gap (nothing finished then). */
export interface ChartPoint {
  x: number;
  y?: number;
}

export interface ChartSeries {
  id: string;
  label: string;
  points: ChartPoint[];
  dashed?: boolean;
}

/** Colors of series, readable on light and dark themes. */
export const SERIES_COLORS = [
  '#1f77b4',
  '#d62728',
  '#2ca02c',
  '#9467bd',
  '#ff7f0e',
  '#17becf',
  '#8c564b',
  '#e377c2',
];

/** Job types that have figures in any bucket, sorted. */
export function jobTypesOf(stats: TenantJobStatsResponse): string[] {
  const types = new Set<string>();
  for (const item of stats.items) types.add(item.jobType);
  return [...types].sort();
}

function series(
  stats: TenantJobStatsResponse,
  jobType: string,
  pick: (item: TenantJobStats) => number | undefined,
): ChartPoint[] {
  return (stats.buckets ?? []).map(bucket => {
    const item = bucket.items.find(i => i.jobType === jobType);
    return { x: Date.parse(bucket.from), y: item ? pick(item) : undefined };
  });
}

/** Success rate (0..1) per job type over time. */
export function successRateSeries(
  stats: TenantJobStatsResponse,
  titles: Record<string, string> = {},
): ChartSeries[] {
  return jobTypesOf(stats)
    .map(type => ({
      id: type,
      label: titles[type] ?? type,
      points: series(stats, type, item => item.successRate),
    }))
    .filter(hasFigures);
}

/** A series with at least one figure; others would only crowd the legend. */
function hasFigures(s: ChartSeries): boolean {
  return s.points.some(point => point.y !== undefined);
}

/** p50 (solid) and p95 (dashed) duration in seconds per job type. */
export function durationSeries(
  stats: TenantJobStatsResponse,
  titles: Record<string, string> = {},
): ChartSeries[] {
  return jobTypesOf(stats).flatMap(type =>
    [
      {
        id: `${type}-p50`,
        label: `${titles[type] ?? type} p50`,
        points: series(stats, type, item => item.durationP50Seconds),
      },
      {
        id: `${type}-p95`,
        label: `${titles[type] ?? type} p95`,
        points: series(stats, type, item => item.durationP95Seconds),
        dashed: true,
      },
    ].filter(hasFigures),
  );
}
