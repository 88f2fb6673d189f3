import { ConflictError, NotFoundError } from '@backstage/errors';
import { Knex } from 'knex';
import {
  FINAL_STATUSES,
  NewRun,
  RunRecord,
  RunStatus,
  RunUpdate,
} from './types';

const TABLE = 'tenant_jobs_runs';

/** Filters for listing runs; tenant ids are always required. */
export type ListRunsOptions = {
  tenantIds: string[];
  entityRef?: string;
  statuses?: RunStatus[];
  limit?: number;
  offset?: number;
};

/** Persistence of runs. */
export interface RunStore {
  /** Inserts a run; a duplicate idempotency key is a ConflictError. */
  create(run: NewRun): Promise<RunRecord>;
  get(id: string): Promise<RunRecord>;
  findByIdempotencyKey(
    tenantId: string,
    idempotencyKey: string,
  ): Promise<RunRecord | undefined>;
  /** Applies a change; never moves a run out of a final status. */
  update(id: string, change: RunUpdate): Promise<RunRecord>;
  list(options: ListRunsOptions): Promise<RunRecord[]>;
  /** Runs of a tenant that still hold a slot: Queued, Pending or Running. */
  countActive(tenantId: string): Promise<number>;
  /** Deletes a run that never reached the cluster. */
  delete(id: string): Promise<void>;
}

type Row = {
  id: string;
  tenant_id: string;
  job_type: string;
  tier: string;
  priority: string;
  status: RunStatus;
  reason: string | null;
  message: string | null;
  request: string;
  entity_ref: string | null;
  submitted_by: string;
  idempotency_key: string | null;
  cluster: string;
  namespace: string;
  k8s_name: string;
  k8s_uid: string | null;
  attempts: number;
  retry_of: string | null;
  created_at: Date | string;
  updated_at: Date | string;
  started_at: Date | string | null;
  finished_at: Date | string | null;
};

function toIso(value: Date | string | null): string | undefined {
  if (value === null || value === undefined) {
    return undefined;
  }
  return new Date(value).toISOString();
}

function fromRow(row: Row): RunRecord {
  return {
    id: row.id,
    tenantId: row.tenant_id,
    jobType: row.job_type,
    tier: row.tier,
    priority: row.priority,
    status: row.status,
    reason: row.reason ?? undefined,
    message: row.message ?? undefined,
    request: JSON.parse(row.request),
    entityRef: row.entity_ref ?? undefined,
    submittedBy: row.submitted_by,
    idempotencyKey: row.idempotency_key ?? undefined,
    cluster: row.cluster,
    namespace: row.namespace,
    k8sName: row.k8s_name,
    k8sUid: row.k8s_uid ?? undefined,
    attempts: row.attempts,
    retryOf: row.retry_of ?? undefined,
    createdAt: toIso(row.created_at)!,
    updatedAt: toIso(row.updated_at)!,
    startedAt: toIso(row.started_at),
    finishedAt: toIso(row.finished_at),
  };
}

function isUniqueViolation(error: unknown): boolean {
  const text = String((error as Error)?.message ?? error);
  return /unique|duplicate/i.test(text);
}

/** The knex implementation of {@link RunStore}, SQLite and PostgreSQL. */
export class KnexRunStore implements RunStore {
  constructor(private readonly db: Knex) {}

  async create(run: NewRun): Promise<RunRecord> {
    const now = new Date();
    try {
      await this.db<Row>(TABLE).insert({
        id: run.id,
        tenant_id: run.tenantId,
        job_type: run.jobType,
        tier: run.tier,
        priority: run.priority,
        status: run.status ?? 'Queued',
        reason: run.reason ?? null,
        message: run.message ?? null,
        request: JSON.stringify(run.request),
        entity_ref: run.entityRef ?? null,
        submitted_by: run.submittedBy,
        idempotency_key: run.idempotencyKey ?? null,
        cluster: run.cluster,
        namespace: run.namespace,
        k8s_name: run.k8sName,
        k8s_uid: run.k8sUid ?? null,
        attempts: 0,
        retry_of: run.retryOf ?? null,
        created_at: now,
        updated_at: now,
      });
    } catch (error) {
      if (isUniqueViolation(error)) {
        throw new ConflictError(
          run.idempotencyKey
            ? `A run with idempotency key '${run.idempotencyKey}' already exists for tenant '${run.tenantId}'`
            : `A run named '${run.k8sName}' already exists in namespace '${run.namespace}'`,
        );
      }
      throw error;
    }
    return this.get(run.id);
  }

  async get(id: string): Promise<RunRecord> {
    const row = await this.db<Row>(TABLE).where({ id }).first();
    if (!row) {
      throw new NotFoundError(`No tenant job run with id '${id}'`);
    }
    return fromRow(row);
  }

  async findByIdempotencyKey(
    tenantId: string,
    idempotencyKey: string,
  ): Promise<RunRecord | undefined> {
    const row = await this.db<Row>(TABLE)
      .where({ tenant_id: tenantId, idempotency_key: idempotencyKey })
      .first();
    return row ? fromRow(row) : undefined;
  }

  async update(id: string, change: RunUpdate): Promise<RunRecord> {
    const values: Partial<Row> = { updated_at: new Date() };
    if (change.status !== undefined) values.status = change.status;
    if (change.reason !== undefined) values.reason = change.reason;
    if (change.message !== undefined) values.message = change.message;
    if (change.k8sUid !== undefined) values.k8s_uid = change.k8sUid;
    if (change.attempts !== undefined) values.attempts = change.attempts;
    if (change.startedAt !== undefined)
      values.started_at = new Date(change.startedAt);
    if (change.finishedAt !== undefined)
      values.finished_at = new Date(change.finishedAt);

    const updated = await this.db<Row>(TABLE)
      .where({ id })
      .whereNotIn('status', [...FINAL_STATUSES])
      .update(values);
    if (updated === 0) {
      // Either missing (NotFoundError from get) or already final: unchanged.
      await this.get(id);
    }
    return this.get(id);
  }

  async list(options: ListRunsOptions): Promise<RunRecord[]> {
    if (options.tenantIds.length === 0) {
      return [];
    }
    let query = this.db<Row>(TABLE)
      .whereIn('tenant_id', options.tenantIds)
      .orderBy([
        { column: 'created_at', order: 'desc' },
        { column: 'id', order: 'desc' },
      ])
      .limit(Math.min(options.limit ?? 50, 500))
      .offset(options.offset ?? 0);
    if (options.entityRef) {
      query = query.where({ entity_ref: options.entityRef });
    }
    if (options.statuses?.length) {
      query = query.whereIn('status', options.statuses);
    }
    return (await query).map(fromRow);
  }

  async countActive(tenantId: string): Promise<number> {
    const [{ count }] = await this.db<Row>(TABLE)
      .where({ tenant_id: tenantId })
      .whereIn('status', ['Queued', 'Pending', 'Running'])
      .count({ count: '*' });
    return Number(count);
  }

  async delete(id: string): Promise<void> {
    await this.db<Row>(TABLE).where({ id }).delete();
  }
}
