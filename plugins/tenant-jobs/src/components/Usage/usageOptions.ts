import type { UsageGrouping } from '../../api';

const DAY_MS = 86_400_000;

/** The periods a usage report is asked for. */
export const USAGE_PERIODS = [
  { id: 'this-month', label: 'This month' },
  { id: 'last-month', label: 'Last month' },
  { id: 'last-30-days', label: 'Last 30 days' },
] as const;

export type UsagePeriod = (typeof USAGE_PERIODS)[number]['id'];

/**
 * A period's bounds in UTC, `to` excluded: calendar months as the backend
 * bills them, or the 30 days up to the end of today.
 */
export function periodRange(
  period: UsagePeriod,
  now = Date.now(),
): { from: string; to: string } {
  const today = new Date(now);
  const year = today.getUTCFullYear();
  const month = today.getUTCMonth();
  const iso = (time: number) => new Date(time).toISOString();
  switch (period) {
    case 'last-month':
      return {
        from: iso(Date.UTC(year, month - 1, 1)),
        to: iso(Date.UTC(year, month, 1)),
      };
    case 'last-30-days': {
      const end = Date.UTC(year, month, today.getUTCDate() + 1);
      return { from: iso(end - 30 * DAY_MS), to: iso(end) };
    }
    default:
      return {
        from: iso(Date.UTC(year, month, 1)),
        to: iso(Date.UTC(year, month + 1, 1)),
      };
  }
}

/** What the usage table sums by. */
export const USAGE_GROUPINGS: Array<{
  id: string;
  label: string;
  groupBy: UsageGrouping[];
}> = [
  {
    id: 'tenant-job-type',
    label: 'Tenant and job type',
    groupBy: ['tenant', 'jobType'],
  },
  { id: 'job-type', label: 'Job type', groupBy: ['jobType'] },
  { id: 'tenant', label: 'Tenant', groupBy: ['tenant'] },
  { id: 'day', label: 'Day', groupBy: ['day'] },
];

/** The days of [from, to) that have begun by `now`, as UTC midnights. */
export function daysOf(from: string, to: string, now = Date.now()): number[] {
  const start = Date.parse(from);
  const end = Math.min(Date.parse(to), Math.floor(now / DAY_MS + 1) * DAY_MS);
  const days: number[] = [];
  for (let day = start; day < end; day += DAY_MS) days.push(day);
  return days;
}
