import { Knex } from 'knex';

const TABLE = 'tenant_jobs_audit';

/**
 * A value as a column can hold it: refused requests carry whatever the
 * caller sent (NUL bytes, megabytes), which PostgreSQL would reject.
 */
function clip(value: string): string {
  // eslint-disable-next-line no-control-regex
  return value.replace(/\u0000/g, '\uFFFD').slice(0, 255);
}

/**
 * What was attempted, the same ids as the auditor service's events;
 * `request-refused` is any other refused request.
 */
export type AuditAction =
  | 'run-submit'
  | 'run-cancel'
  | 'run-retry'
  | 'tenant-provision'
  | 'schedule-create'
  | 'schedule-pause'
  | 'schedule-resume'
  | 'schedule-run'
  | 'schedule-delete'
  | 'trigger-create'
  | 'trigger-delete'
  | 'trigger-launch'
  | 'configuration-import'
  | 'request-refused';

/** How it ended: done, refused (4xx, nothing created) or failed (5xx). */
export type AuditOutcome = 'succeeded' | 'refused' | 'failed';

export type AuditEntry = {
  id: number;
  at: string;
  actor: string;
  action: AuditAction;
  tenantId?: string;
  runId?: string;
  outcome: AuditOutcome;
  detail?: Record<string, unknown>;
};

export type NewAuditEntry = Omit<AuditEntry, 'id' | 'at'>;

type Row = {
  id: number;
  at: Date | string;
  actor: string;
  action: AuditAction;
  tenant_id: string | null;
  run_id: string | null;
  outcome: AuditOutcome;
  detail: string | null;
};

/** The plugin's own audit trail, kept beside the runs. */
export class AuditStore {
  constructor(private readonly db: Knex) {}

  async append(entry: NewAuditEntry): Promise<void> {
    await this.db<Row>(TABLE).insert({
      at: new Date(),
      actor: clip(entry.actor),
      action: entry.action,
      tenant_id: entry.tenantId === undefined ? null : clip(entry.tenantId),
      run_id: entry.runId === undefined ? null : clip(entry.runId),
      outcome: entry.outcome,
      detail: entry.detail ? JSON.stringify(entry.detail) : null,
    });
  }

  /** Deletes entries older than `date`. */
  async deleteBefore(date: Date): Promise<number> {
    return this.db<Row>(TABLE).where('at', '<', date).delete();
  }

  async list(options: {
    tenantIds: string[];
    runId?: string;
    limit?: number;
  }): Promise<AuditEntry[]> {
    if (options.tenantIds.length === 0) {
      return [];
    }
    let query = this.db<Row>(TABLE)
      .whereIn('tenant_id', options.tenantIds)
      .orderBy('id', 'desc')
      .limit(Math.min(options.limit ?? 100, 1000));
    if (options.runId) {
      query = query.where({ run_id: options.runId });
    }
    const rows = await query;
    return rows.map(row => ({
      id: Number(row.id),
      at: new Date(row.at).toISOString(),
      actor: row.actor,
      action: row.action,
      tenantId: row.tenant_id ?? undefined,
      runId: row.run_id ?? undefined,
      outcome: row.outcome,
      detail: row.detail ? JSON.parse(row.detail) : undefined,
    }));
  }
}
