import type { UsageReport } from '../../api';
import type { ChartPoint } from '../../lib/charts';
import { daysOf } from './usageOptions';

/**
 * CPU core-hours per UTC day of a report grouped by day (and possibly
 * more), summed over the other groups; days without runs are 0.
 */
export function coreHoursPerDay(
  report: UsageReport,
  now = Date.now(),
): ChartPoint[] {
  const byDay = new Map<string, number>();
  for (const item of report.items) {
    if (!item.period) continue;
    byDay.set(item.period, (byDay.get(item.period) ?? 0) + item.cpuCoreHours);
  }
  return daysOf(report.from, report.to, now).map(day => ({
    x: day,
    y: byDay.get(new Date(day).toISOString().slice(0, 10)) ?? 0,
  }));
}
