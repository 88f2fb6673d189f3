import { InputError } from '@backstage/errors';
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
export const AUDIT_ACTIONS = [
  'run-submit',
  'run-cancel',
  'run-retry',
  'tenant-provision',
  'schedule-create',
  'schedule-pause',
  'schedule-resume',
  'schedule-run',
  'schedule-delete',
  'trigger-create',
  'trigger-delete',
  'trigger-launch',
  'configuration-import',
  'request-refused',
] as const;

export type AuditAction = (typeof AUDIT_ACTIONS)[number];

/** How it ended: done, refused (4xx, nothing created) or failed (5xx). */
export const AUDIT_OUTCOMES = ['succeeded', 'refused', 'failed'] as const;

export type AuditOutcome = (typeof AUDIT_OUTCOMES)[number];

export type AuditEntry = {
  id: number;
  at: string;
  actor: string;
  action: AuditAction;
  tenantId?: string;
  runId?: string;
  outcome: AuditOutcome;
  /** Whether the actor acted as the platform team, not as a member. */
  asAdmin: boolean;
  detail?: Record<string, unknown>;
};

export type NewAuditEntry = Omit<AuditEntry, 'id' | 'at' | 'asAdmin'> & {
  asAdmin?: boolean;
};

/** Which entries to read; every field narrows. */
export type AuditFilter = {
  /** Entries of these tenants only; undefined for every entry. */
  tenantIds?: string[];
  actions?: AuditAction[];
  actor?: string;
  outcomes?: AuditOutcome[];
  runId?: string;
  /** When it happened: `from` inclusive, `to` exclusive. */
  from?: Date;
  to?: Date;
};

type Row = {
  id: number;
  at: Date | string;
  actor: string;
  action: AuditAction;
  tenant_id: string | null;
  run_id: string | null;
  outcome: AuditOutcome;
  as_admin: boolean | number;
  detail: string | null;
};

function fromRow(row: Row): AuditEntry {
  return {
    id: Number(row.id),
    at: new Date(row.at).toISOString(),
    actor: row.actor,
    action: row.action,
    tenantId: row.tenant_id ?? undefined,
    runId: row.run_id ?? undefined,
    outcome: row.outcome,
    asAdmin: Boolean(row.as_admin),
    detail: row.detail ? JSON.parse(row.detail) : undefined,
  };
}

/** An opaque cursor: the id the next page starts below. */
function encodeAuditCursor(id: number): string {
  return Buffer.from(`a${id}`).toString('base64url');
}

function decodeAuditCursor(value: string): number | undefined {
  if (value.length > 64) return undefined;
  const match = /^a([0-9]{1,15})$/.exec(
    Buffer.from(value, 'base64url').toString('utf8'),
  );
  if (!match) return undefined;
  // Only the exact text this API wrote: the decoder skips what base64url
  // has not and ignores trailing bits.
  const id = Number(match[1]);
  return encodeAuditCursor(id) === value ? id : undefined;
}

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
      as_admin: entry.asAdmin ?? false,
      detail: entry.detail ? JSON.stringify(entry.detail) : null,
    });
  }

  /** Deletes entries older than `date`. */
  async deleteBefore(date: Date): Promise<number> {
    return this.db<Row>(TABLE).where('at', '<', date).delete();
  }

  /**
   * One page of the entries that match, newest first, and the cursor of
   * the next page when there is one. An unknown cursor is a 400.
   */
  async page(
    filter: AuditFilter,
    page: { limit: number; cursor?: string },
  ): Promise<{ items: AuditEntry[]; nextCursor?: string }> {
    let below: number | undefined;
    if (page.cursor !== undefined) {
      below = decodeAuditCursor(page.cursor);
      if (below === undefined) {
        throw new InputError(
          'cursor: not a cursor this API returned; start again without it',
        );
      }
    }
    const rows = await this.filtered(filter, below).limit(page.limit + 1);
    const items = rows.slice(0, page.limit).map(fromRow);
    return rows.length > page.limit
      ? { items, nextCursor: encodeAuditCursor(items[items.length - 1].id) }
      : { items };
  }

  /** Every matching entry, newest first, read `batch` rows at a time. */
  async *each(filter: AuditFilter, batch = 500): AsyncGenerator<AuditEntry> {
    let below: number | undefined;
    for (;;) {
      const rows = await this.filtered(filter, below).limit(batch);
      for (const row of rows) yield fromRow(row);
      if (rows.length < batch) return;
      below = Number(rows[rows.length - 1].id);
    }
  }

  /** The entries of `tenantIds` (for tests and the run's own trail). */
  async list(options: {
    tenantIds: string[];
    runId?: string;
    limit?: number;
  }): Promise<AuditEntry[]> {
    const { items } = await this.page(
      { tenantIds: options.tenantIds, runId: options.runId },
      { limit: Math.min(options.limit ?? 100, 1000) },
    );
    return items;
  }

  private filtered(filter: AuditFilter, below: number | undefined) {
    const query = this.db<Row>(TABLE).orderBy('id', 'desc');
    if (filter.tenantIds) {
      if (filter.tenantIds.length === 0) query.whereRaw('1 = 0');
      else query.whereIn('tenant_id', filter.tenantIds);
    }
    if (filter.actions) query.whereIn('action', filter.actions);
    if (filter.outcomes) query.whereIn('outcome', filter.outcomes);
    if (filter.actor) query.where('actor', filter.actor);
    if (filter.runId) query.where('run_id', filter.runId);
    if (filter.from) query.where('at', '>=', filter.from);
    if (filter.to) query.where('at', '<', filter.to);
    if (below !== undefined) query.where('id', '<', below);
    return query;
  }
}
