import { NotFoundError } from '@backstage/errors';
import type { ScheduleRequest } from '@tenant-jobs/plugin-tenant-jobs-common';
import { Knex } from 'knex';
import { RunStatus } from './types';

const TABLE = 'tenant_jobs_schedules';
const RUNS = 'tenant_jobs_runs';

/** A schedule as stored. */
export type ScheduleRecord = {
  id: string;
  tenantId: string;
  jobType: string;
  request: ScheduleRequest;
  paused: boolean;
  cluster: string;
  namespace: string;
  cronJobName: string;
  createdBy: string;
  createdAt: string;
  updatedAt: string;
};

type Row = {
  id: string;
  tenant_id: string;
  job_type: string;
  request: string;
  cron: string;
  time_zone: string;
  paused: boolean | number;
  cluster: string;
  namespace: string;
  cron_job_name: string;
  created_by: string;
  created_at: Date | string | number;
  updated_at: Date | string | number;
};

function fromRow(row: Row): ScheduleRecord {
  return {
    id: row.id,
    tenantId: row.tenant_id,
    jobType: row.job_type,
    request: JSON.parse(row.request),
    paused: Boolean(row.paused),
    cluster: row.cluster,
    namespace: row.namespace,
    cronJobName: row.cron_job_name,
    createdBy: row.created_by,
    createdAt: new Date(row.created_at).toISOString(),
    updatedAt: new Date(row.updated_at).toISOString(),
  };
}

/** Persistence of schedules. */
export class ScheduleStore {
  constructor(private readonly db: Knex) {}

  async create(
    schedule: Omit<ScheduleRecord, 'createdAt' | 'updatedAt' | 'paused'>,
  ): Promise<ScheduleRecord> {
    const now = new Date();
    await this.db<Row>(TABLE).insert({
      id: schedule.id,
      tenant_id: schedule.tenantId,
      job_type: schedule.jobType,
      request: JSON.stringify(schedule.request),
      cron: schedule.request.cron,
      time_zone: schedule.request.timeZone,
      paused: schedule.request.paused,
      cluster: schedule.cluster,
      namespace: schedule.namespace,
      cron_job_name: schedule.cronJobName,
      created_by: schedule.createdBy,
      created_at: now,
      updated_at: now,
    });
    return this.get(schedule.id);
  }

  async get(id: string): Promise<ScheduleRecord> {
    const row = await this.db<Row>(TABLE).where({ id }).first();
    if (!row) throw new NotFoundError(`No schedule with id '${id}'`);
    return fromRow(row);
  }

  async find(id: string): Promise<ScheduleRecord | undefined> {
    const row = await this.db<Row>(TABLE).where({ id }).first();
    return row ? fromRow(row) : undefined;
  }

  /** How many schedules the tenant keeps. */
  async countOf(tenantId: string): Promise<number> {
    const [row] = await this.db<Row>(TABLE)
      .where({ tenant_id: tenantId })
      .count({ count: '*' });
    return Number(row?.count ?? 0);
  }

  /** Schedules of these tenants, oldest first. */
  async list(tenantIds: string[]): Promise<ScheduleRecord[]> {
    if (tenantIds.length === 0) return [];
    const rows = await this.db<Row>(TABLE)
      .whereIn('tenant_id', tenantIds)
      .orderBy([
        { column: 'created_at', order: 'asc' },
        { column: 'id', order: 'asc' },
      ]);
    return rows.map(fromRow);
  }

  /** The newest run each of these schedules created, by schedule id. */
  async lastRuns(
    scheduleIds: string[],
  ): Promise<
    Map<string, { id: string; status: RunStatus; createdAt: string }>
  > {
    const found = new Map<
      string,
      { id: string; status: RunStatus; createdAt: string }
    >();
    if (scheduleIds.length === 0) return found;
    const newest = this.db(RUNS)
      .whereIn('schedule_id', scheduleIds)
      .groupBy('schedule_id')
      .select('schedule_id')
      .max({ newest: 'created_at' });
    const rows: Array<{
      id: string;
      schedule_id: string;
      status: RunStatus;
      created_at: Date | string | number;
    }> = await this.db(`${RUNS} as r`)
      .join(newest.as('n'), join =>
        join
          .on('r.schedule_id', '=', 'n.schedule_id')
          .andOn('r.created_at', '=', 'n.newest'),
      )
      .select('r.id', 'r.schedule_id', 'r.status', 'r.created_at')
      .orderBy('r.id', 'asc');
    for (const row of rows) {
      if (found.has(row.schedule_id)) continue;
      found.set(row.schedule_id, {
        id: row.id,
        status: row.status,
        createdAt: new Date(row.created_at).toISOString(),
      });
    }
    return found;
  }

  async setPaused(id: string, paused: boolean): Promise<ScheduleRecord> {
    const request = (await this.get(id)).request;
    await this.db<Row>(TABLE)
      .where({ id })
      .update({
        paused,
        request: JSON.stringify({ ...request, paused }),
        updated_at: new Date(),
      });
    return this.get(id);
  }

  async delete(id: string): Promise<void> {
    await this.db<Row>(TABLE).where({ id }).delete();
  }
}
