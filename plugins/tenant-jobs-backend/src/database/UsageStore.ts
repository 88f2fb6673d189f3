import { Knex } from 'knex';
import { ACTIVE_STATUSES } from './types';

const TABLE = 'tenant_jobs_runs';

/** What usage can be summed by. */
export const USAGE_GROUPINGS = ['tenant', 'jobType', 'day', 'month'] as const;

export type UsageGrouping = (typeof USAGE_GROUPINGS)[number];

/** Summed usage of the runs of one group. */
export type UsageRow = {
  tenantId?: string;
  jobType?: string;
  /** `YYYY-MM-DD` or `YYYY-MM` (UTC), when grouped by day or month. */
  period?: string;
  runs: number;
  cpuCoreSeconds: number;
  memoryGiBSeconds: number;
  gpuSeconds: number;
};

/** A tenant's runs now, and how those of a recent window ended. */
export type TenantRunFigures = {
  /** Runs holding one of the tenant's slots. */
  active: number;
  /** Runs waiting in the tenant's queue. */
  queued: number;
  succeeded: number;
  failed: number;
};

/** The finish time as `YYYY-MM-DD` or `YYYY-MM` in UTC, in this database's SQL. */
function periodSql(db: Knex, grouping: 'day' | 'month'): string {
  if (db.client.config.client === 'pg') {
    const format = grouping === 'day' ? 'YYYY-MM-DD' : 'YYYY-MM';
    return `to_char(finished_at at time zone 'UTC', '${format}')`;
  }
  // SQLite keeps times as milliseconds since the epoch.
  const format = grouping === 'day' ? '%Y-%m-%d' : '%Y-%m';
  return `strftime('${format}', finished_at / 1000, 'unixepoch')`;
}

/**
 * Sums over the runs table for the platform team and chargeback: usage
 * (recorded on each run when it finished, see `lib/usage`) by tenant, job
 * type and period, and each tenant's active, queued and recent runs.
 */
export class UsageStore {
  constructor(private readonly db: Knex) {}

  /**
   * Usage of the runs that finished in [from, to), of `tenantIds` (all
   * when undefined), summed by `groupBy`, largest CPU use first.
   */
  async usage(
    filter: { tenantIds?: string[]; from: Date; to: Date },
    groupBy: readonly UsageGrouping[],
  ): Promise<UsageRow[]> {
    const columns: string[] = [];
    if (groupBy.includes('tenant')) columns.push('tenant_id');
    if (groupBy.includes('jobType')) columns.push('job_type');
    let period: string | undefined;
    if (groupBy.includes('day')) period = periodSql(this.db, 'day');
    else if (groupBy.includes('month')) period = periodSql(this.db, 'month');
    const query = this.db(TABLE)
      .where('finished_at', '>=', filter.from)
      .where('finished_at', '<', filter.to)
      .whereNotNull('usage_cpu_core_seconds');
    if (filter.tenantIds) {
      if (filter.tenantIds.length === 0) return [];
      query.whereIn('tenant_id', filter.tenantIds);
    }
    const selected = [
      ...columns,
      ...(period ? [this.db.raw(`${period} as period`)] : []),
      this.db.raw('count(*) as runs'),
      this.db.raw('sum(usage_cpu_core_seconds) as cpu'),
      this.db.raw('sum(usage_memory_gib_seconds) as memory'),
      this.db.raw('sum(usage_gpu_seconds) as gpu'),
    ];
    query.select(selected);
    const grouped = [...columns, ...(period ? [this.db.raw(period)] : [])];
    if (grouped.length > 0) query.groupBy(grouped as string[]);
    const rows: Array<Record<string, unknown>> = await query;
    return rows
      .map(row => ({
        ...(row.tenant_id !== undefined && { tenantId: String(row.tenant_id) }),
        ...(row.job_type !== undefined && { jobType: String(row.job_type) }),
        ...(row.period !== undefined && { period: String(row.period) }),
        runs: Number(row.runs),
        cpuCoreSeconds: Number(row.cpu ?? 0),
        memoryGiBSeconds: Number(row.memory ?? 0),
        gpuSeconds: Number(row.gpu ?? 0),
      }))
      .filter(row => row.runs > 0)
      .sort(
        (a, b) =>
          (a.period ?? '').localeCompare(b.period ?? '') ||
          b.cpuCoreSeconds - a.cpuCoreSeconds,
      );
  }

  /**
   * Each tenant's active and queued runs now and how its runs that
   * finished since `since` ended; tenants without runs are absent.
   */
  async tenantFigures(since: Date): Promise<Map<string, TenantRunFigures>> {
    const figures = new Map<string, TenantRunFigures>();
    const of = (tenantId: string) => {
      let entry = figures.get(tenantId);
      if (!entry) {
        entry = { active: 0, queued: 0, succeeded: 0, failed: 0 };
        figures.set(tenantId, entry);
      }
      return entry;
    };
    const active: Array<{
      tenant_id: string;
      released: number;
      count: number;
    }> = await this.db(TABLE)
      .whereIn('status', [...ACTIVE_STATUSES])
      .select(
        'tenant_id',
        this.db.raw(
          'case when released_at is null then 0 else 1 end as released',
        ),
      )
      .count({ count: '*' })
      .groupByRaw('tenant_id, case when released_at is null then 0 else 1 end');
    for (const row of active) {
      const entry = of(row.tenant_id);
      if (Number(row.released) === 1) entry.active += Number(row.count);
      else entry.queued += Number(row.count);
    }
    const ended: Array<{ tenant_id: string; status: string; count: number }> =
      await this.db(TABLE)
        .where('finished_at', '>=', since)
        .whereIn('status', ['Succeeded', 'Failed'])
        .select('tenant_id', 'status')
        .count({ count: '*' })
        .groupBy('tenant_id', 'status');
    for (const row of ended) {
      const entry = of(row.tenant_id);
      if (row.status === 'Succeeded') entry.succeeded += Number(row.count);
      else entry.failed += Number(row.count);
    }
    return figures;
  }
}
