import { UsageGrouping, UsageRow, UsageStore } from '../database';
import { csvLine } from '../lib/csv';

/** Usage in the units chargeback is billed in. */
export type UsageFigures = {
  runs: number;
  cpuCoreHours: number;
  memoryGiBHours: number;
  gpuHours: number;
};

/** What `GET /usage` answers. */
export type UsageReport = {
  from: string;
  to: string;
  groupBy: UsageGrouping[];
  items: Array<
    UsageFigures & { tenantId?: string; jobType?: string; period?: string }
  >;
  total: UsageFigures;
};

const HOUR = 3600;

function inHours(row: UsageRow): UsageFigures {
  return {
    runs: row.runs,
    cpuCoreHours: row.cpuCoreSeconds / HOUR,
    memoryGiBHours: row.memoryGiBSeconds / HOUR,
    gpuHours: row.gpuSeconds / HOUR,
  };
}

/** The start of the calendar month of `now`, and of the next, in UTC. */
export function currentMonth(now: Date): { from: Date; to: Date } {
  const from = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), 1));
  const to = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() + 1, 1));
  return { from, to };
}

/**
 * Usage for chargeback: per tenant, job type and period, the CPU
 * core-hours, memory GiB-hours and GPU-hours of the runs that finished in
 * the window, each run's pods' requests times the time they ran, as the
 * tracker recorded them (never estimated afterwards).
 */
export class UsageReports {
  constructor(private readonly deps: { usage: UsageStore }) {}

  async report(options: {
    tenantIds?: string[];
    from: Date;
    to: Date;
    groupBy: UsageGrouping[];
  }): Promise<UsageReport> {
    const rows = await this.deps.usage.usage(options, options.groupBy);
    const items = rows.map(row => ({
      ...(row.tenantId !== undefined && { tenantId: row.tenantId }),
      ...(row.jobType !== undefined && { jobType: row.jobType }),
      ...(row.period !== undefined && { period: row.period }),
      ...inHours(row),
    }));
    const total = items.reduce<UsageFigures>(
      (sum, item) => ({
        runs: sum.runs + item.runs,
        cpuCoreHours: sum.cpuCoreHours + item.cpuCoreHours,
        memoryGiBHours: sum.memoryGiBHours + item.memoryGiBHours,
        gpuHours: sum.gpuHours + item.gpuHours,
      }),
      { runs: 0, cpuCoreHours: 0, memoryGiBHours: 0, gpuHours: 0 },
    );
    return {
      from: options.from.toISOString(),
      to: options.to.toISOString(),
      groupBy: options.groupBy,
      items,
      total,
    };
  }

  /** Each tenant's usage in the window, by tenant id. */
  async byTenant(from: Date, to: Date): Promise<Map<string, UsageFigures>> {
    const rows = await this.deps.usage.usage({ from, to }, ['tenant']);
    return new Map(rows.map(row => [row.tenantId!, inHours(row)]));
  }

  /** The report as CSV, one line a group, hours to 6 decimals. */
  static toCsv(report: UsageReport): string {
    return [
      csvLine([
        'tenantId',
        'jobType',
        'period',
        'runs',
        'cpuCoreHours',
        'memoryGiBHours',
        'gpuHours',
      ]),
      ...report.items.map(item =>
        csvLine([
          item.tenantId,
          item.jobType,
          item.period,
          item.runs,
          item.cpuCoreHours.toFixed(6),
          item.memoryGiBHours.toFixed(6),
          item.gpuHours.toFixed(6),
        ]),
      ),
    ].join('');
  }
}
