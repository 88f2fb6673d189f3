import { ConflictError, InputError, NotFoundError } from '@backstage/errors';
import { PermissionCriteria } from '@backstage/plugin-permission-common';
import { Knex } from 'knex';
import {
  getPriority,
  isPriorityId,
} from '@tenant-jobs/plugin-tenant-jobs-common';
import { allPodsSeen, usageOf } from '../lib/usage';
import { decodeCursor, encodeCursor } from './cursor';
import { countSlotHolders, lockTenant } from './tenantSlots';
import {
  ACTIVE_STATUSES,
  FINAL_STATUSES,
  NewRun,
  RunFilter,
  RunObservationUpdate,
  RunObserved,
  RunRecord,
  RunStatus,
  RunTiming,
  RunUpdate,
} from './types';

export const RUNS_TABLE = 'tenant_jobs_runs';
const TABLE = RUNS_TABLE;

/** A permission condition as the store applies it: runs of these tenants. */
export type TenantCriteria = PermissionCriteria<{ tenantIds: string[] }>;

/** A page of runs; `nextCursor` is absent on the last page. */
export type RunPage = { items: RunRecord[]; nextCursor?: string };

/** Thrown by `admit` when the tenant's queue is full. */
export class ConcurrencyLimitError extends ConflictError {
  constructor(message: string, readonly active: number) {
    super(message);
  }
}

/** Persistence of runs. */
export interface RunStore {
  /** Inserts a run; a duplicate idempotency key is a ConflictError. */
  create(run: NewRun): Promise<RunRecord>;
  /**
   * Inserts `run` in one transaction with the count of its tenant's slots,
   * serialized per tenant: released at once (`releasedAt` set) while fewer
   * than `maxActive` runs hold a slot, else queued. With `maxQueued` runs
   * already waiting it throws a {@link ConcurrencyLimitError}.
   */
  admit(
    run: NewRun,
    limits: { maxActive: number; maxQueued: number },
  ): Promise<RunRecord>;
  get(id: string): Promise<RunRecord>;
  findByIdempotencyKey(
    tenantId: string,
    idempotencyKey: string,
  ): Promise<RunRecord | undefined>;
  /** Applies a change; never moves a run out of a final status. */
  update(id: string, change: RunUpdate): Promise<RunRecord>;
  /**
   * Applies a change only while the run is in one of `from`: the guard of
   * every user-driven transition (cancel, created). Returns the updated
   * run, or undefined when the run had moved on.
   */
  transition(
    id: string,
    from: readonly RunStatus[],
    change: RunUpdate,
  ): Promise<RunRecord | undefined>;
  /**
   * Applies what the tracker saw, compare-and-set: only to a run that is
   * not final and whose recorded observation is older. Returns the run
   * before and after, or undefined when nothing changed.
   */
  observe(
    id: string,
    observation: RunObservationUpdate,
  ): Promise<{ before: RunRecord; after: RunRecord } | undefined>;
  /** A page of runs, newest first, with a stable cursor. */
  list(
    filter: RunFilter & { permitted?: TenantCriteria },
    page?: { limit?: number; cursor?: string },
  ): Promise<RunPage>;
  /** Runs of a cluster in these statuses, oldest first. */
  listByStatus(
    cluster: string,
    statuses: readonly RunStatus[],
    limit?: number,
  ): Promise<RunRecord[]>;
  /** The status of each of these runs that exists. */
  statusesOf(ids: string[]): Promise<Map<string, RunStatus>>;
  /**
   * Timing of the runs that match, for statistics: the newest `limit`
   * (default {@link MAX_TIMINGS}) of them.
   */
  timings(
    filter: RunFilter & { permitted?: TenantCriteria; limit?: number },
  ): Promise<RunTiming[]>;
  /**
   * How long the tenant's most recent runs created since `createdAfter`
   * ran (start to finish, in ms), newest first, at most `limit` of them.
   */
  recentDurations(
    tenantId: string,
    createdAfter: Date,
    limit: number,
  ): Promise<number[]>;
  /** Runs of a tenant that still hold a slot: Queued, Pending or Running. */
  countActive(tenantId: string): Promise<number>;
  /** Tenants with at least one active run. */
  activeTenantIds(): Promise<string[]>;
  /** Finished runs since `finishedAfter` whose logs were never archived. */
  listUnarchived(finishedAfter: Date, limit: number): Promise<RunRecord[]>;
  /** Deletes a run that never reached the cluster. */
  delete(id: string): Promise<void>;
  /** Deletes finished runs (and their archives) finished before `date`. */
  deleteFinishedBefore(date: Date): Promise<number>;
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
  created_at: Date | string | number;
  updated_at: Date | string | number;
  started_at: Date | string | number | null;
  finished_at: Date | string | number | null;
  observed_version: number | string | null;
  observed: string | null;
  archived_at: Date | string | number | null;
  released_at: Date | string | number | null;
  priority_value: number;
  schedule_id: string | null;
  usage_cpu_core_seconds?: number | null;
  usage_memory_gib_seconds?: number | null;
  usage_gpu_seconds?: number | null;
};

/** The usage columns of a run that finished at `finishedAt`. */
function usageColumns(
  observed: RunObserved | undefined,
  finishedAt: string | undefined,
): Partial<Row> {
  if (!finishedAt) return {};
  const usage = usageOf(observed?.pods ?? [], finishedAt);
  return {
    usage_cpu_core_seconds: usage.cpuCoreSeconds,
    usage_memory_gib_seconds: usage.memoryGiBSeconds,
    usage_gpu_seconds: usage.gpuSeconds,
  };
}

function toIso(value: Date | string | number | null): string | undefined {
  if (value === null || value === undefined) {
    return undefined;
  }
  return new Date(value).toISOString();
}

function toMillis(value: Date | string | number | null): number | undefined {
  if (value === null || value === undefined) return undefined;
  return new Date(value).getTime();
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
    observedVersion:
      row.observed_version === null ? undefined : Number(row.observed_version),
    observed: row.observed ? JSON.parse(row.observed) : undefined,
    archivedAt: toIso(row.archived_at),
    releasedAt: toIso(row.released_at),
    scheduleId: row.schedule_id ?? undefined,
  };
}

function isUniqueViolation(error: unknown): boolean {
  const text = String((error as Error)?.message ?? error);
  return /unique|duplicate/i.test(text);
}

function changeToRow(change: RunUpdate): Partial<Row> {
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
  return values;
}

/** Applies a permission criteria tree as WHERE clauses on tenant_id. */
function applyCriteria(query: Knex.QueryBuilder, criteria: TenantCriteria) {
  if ('allOf' in criteria) {
    for (const child of criteria.allOf) {
      query.where(sub => applyCriteria(sub, child));
    }
  } else if ('anyOf' in criteria) {
    query.where(outer => {
      for (const child of criteria.anyOf) {
        outer.orWhere(sub => applyCriteria(sub, child));
      }
    });
  } else if ('not' in criteria) {
    query.whereNot(sub => applyCriteria(sub, criteria.not));
  } else if (criteria.tenantIds.length === 0) {
    query.whereRaw('1 = 0');
  } else {
    query.whereIn('tenant_id', criteria.tenantIds);
  }
}

function applyFilter(
  query: Knex.QueryBuilder,
  filter: RunFilter & { permitted?: TenantCriteria },
) {
  if (filter.permitted) {
    const permitted = filter.permitted;
    query.where(sub => applyCriteria(sub, permitted));
  }
  if (filter.tenantIds) {
    if (filter.tenantIds.length === 0) query.whereRaw('1 = 0');
    else query.whereIn('tenant_id', filter.tenantIds);
  }
  if (filter.entityRef) query.where('entity_ref', filter.entityRef);
  if (filter.statuses?.length) query.whereIn('status', filter.statuses);
  if (filter.jobTypes?.length) query.whereIn('job_type', filter.jobTypes);
  if (filter.priorities?.length) query.whereIn('priority', filter.priorities);
  if (filter.submittedBy) query.where('submitted_by', filter.submittedBy);
  if (filter.scheduleId) query.where('schedule_id', filter.scheduleId);
  if (filter.createdAfter) {
    query.where('created_at', '>=', new Date(filter.createdAfter));
  }
  if (filter.createdBefore) {
    query.where('created_at', '<', new Date(filter.createdBefore));
  }
}

/**
 * Whether an observation is of the run's own Job: in the run's namespace
 * and, once the run knows its Job's uid, that uid.
 */
function isOwnJob(run: RunRecord, observation: RunObservationUpdate): boolean {
  if (observation.namespace !== undefined) {
    if (observation.namespace !== run.namespace) return false;
  }
  if (observation.k8sUid && run.k8sUid && observation.k8sUid !== run.k8sUid) {
    return false;
  }
  return true;
}

/** The most runs `timings` reads for one statistic, newest first. */
export const MAX_TIMINGS = 200_000;

/** The largest page a list returns. */
export const MAX_PAGE_SIZE = 200;

/** The knex implementation of {@link RunStore}, SQLite and PostgreSQL. */
export class KnexRunStore implements RunStore {
  constructor(private readonly db: Knex) {}

  private rowOf(run: NewRun, now: Date): Row {
    return {
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
      created_at: run.createdAt ? new Date(run.createdAt) : now,
      updated_at: now,
      started_at: null,
      // A run recorded final (refused on a later send, dropped from a
      // full queue) finished now: retention counts from it.
      finished_at: FINAL_STATUSES.has(run.status ?? 'Queued') ? now : null,
      observed_version: null,
      observed: null,
      archived_at: null,
      released_at: run.releasedAt ? new Date(run.releasedAt) : null,
      schedule_id: run.scheduleId ?? null,
      priority_value: isPriorityId(run.priority)
        ? getPriority(run.priority).value
        : 0,
    };
  }

  private duplicate(run: NewRun): ConflictError {
    return new ConflictError(
      run.idempotencyKey
        ? `A run with idempotency key '${run.idempotencyKey}' already exists for tenant '${run.tenantId}'`
        : `A run named '${run.k8sName}' already exists in namespace '${run.namespace}'`,
    );
  }

  async create(run: NewRun): Promise<RunRecord> {
    try {
      await this.db<Row>(TABLE).insert(this.rowOf(run, new Date()));
    } catch (error) {
      if (isUniqueViolation(error)) throw this.duplicate(run);
      throw error;
    }
    return this.get(run.id);
  }

  async admit(
    run: NewRun,
    limits: { maxActive: number; maxQueued: number },
  ): Promise<RunRecord> {
    try {
      await this.db.transaction(async tx => {
        await lockTenant(tx, run.tenantId);
        const now = new Date();
        const holding = await countSlotHolders(tx, run.tenantId);
        if (holding < limits.maxActive) {
          await tx<Row>(TABLE).insert({
            ...this.rowOf(run, now),
            released_at: now,
          });
          return;
        }
        const [{ count }] = await tx<Row>(TABLE)
          .where({ tenant_id: run.tenantId, status: 'Queued' })
          .whereNull('released_at')
          .count({ count: '*' });
        const waiting = Number(count);
        if (waiting >= limits.maxQueued) {
          throw new ConcurrencyLimitError(
            `Tenant '${run.tenantId}' already runs ${holding} jobs, the most its plan allows at once (maxConcurrentJobs ${limits.maxActive}), and ${waiting} more wait in its queue, which holds at most ${limits.maxQueued}; wait for some to finish or cancel some`,
            holding + waiting,
          );
        }
        await tx<Row>(TABLE).insert(this.rowOf(run, now));
      });
    } catch (error) {
      if (error instanceof ConcurrencyLimitError) throw error;
      if (isUniqueViolation(error)) throw this.duplicate(run);
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
    const updated = await this.db<Row>(TABLE)
      .where({ id })
      .whereNotIn('status', [...FINAL_STATUSES])
      .update(changeToRow(change));
    if (updated === 0) {
      // Either missing (NotFoundError from get) or already final: unchanged.
      await this.get(id);
    }
    return this.get(id);
  }

  async transition(
    id: string,
    from: readonly RunStatus[],
    change: RunUpdate,
  ): Promise<RunRecord | undefined> {
    const updated = await this.db<Row>(TABLE)
      .where({ id })
      .whereIn('status', [...from])
      .update(changeToRow(change));
    if (updated === 0) return undefined;
    const after = await this.get(id);
    if (
      change.status &&
      FINAL_STATUSES.has(change.status) &&
      after.finishedAt
    ) {
      // Ended here, not by an observation (cancelled, lost): what its pods
      // ran until now, from what the tracker last recorded.
      await this.db<Row>(TABLE)
        .where({ id })
        .update(usageColumns(after.observed, after.finishedAt));
    }
    return after;
  }

  async observe(
    id: string,
    observation: RunObservationUpdate,
  ): Promise<{ before: RunRecord; after: RunRecord } | undefined> {
    const row = await this.db<Row>(TABLE).where({ id }).first();
    if (!row) return undefined;
    const before = fromRow(row);
    if (FINAL_STATUSES.has(before.status)) return undefined;
    if (!isOwnJob(before, observation)) return undefined;
    if (before.observedVersion !== undefined) {
      // Older never overwrites newer. The same version may add what only
      // events say (why a Job has no pod), but a repeat changes nothing.
      if (before.observedVersion > observation.version) return undefined;
      if (
        before.observedVersion === observation.version &&
        before.status === observation.status &&
        before.reason === observation.reason &&
        before.message === observation.message
      ) {
        return undefined;
      }
    }
    const values: Partial<Row> = {
      ...changeToRow({
        status: observation.status,
        reason: observation.reason,
        message: observation.message,
        attempts: observation.attempts,
        startedAt: observation.startedAt,
        finishedAt: observation.finishedAt,
        k8sUid: observation.k8sUid,
      }),
      observed_version: observation.version,
      observed: JSON.stringify(observation.observed),
      ...(FINAL_STATUSES.has(observation.status)
        ? usageColumns(
            {
              ...observation.observed,
              pods: allPodsSeen(
                before.observed?.pods,
                observation.observed.pods,
              ),
            },
            observation.finishedAt,
          )
        : {}),
    };
    // Compare-and-set on what was read: a concurrent observation or a
    // cancel in between makes this a no-op.
    const query = this.db<Row>(TABLE)
      .where({ id, status: before.status })
      .whereNotIn('status', [...FINAL_STATUSES]);
    if (before.observedVersion === undefined) {
      query.whereNull('observed_version');
    } else {
      query.where('observed_version', before.observedVersion);
    }
    const updated = await query.update(values);
    if (updated === 0) return undefined;
    // What was read and what was written is the row now: no third query
    // (the tracker makes several observations per run).
    return { before, after: fromRow({ ...row, ...values } as Row) };
  }

  async list(
    filter: RunFilter & { permitted?: TenantCriteria },
    page: { limit?: number; cursor?: string } = {},
  ): Promise<RunPage> {
    const limit = Math.max(1, Math.min(page.limit ?? 50, MAX_PAGE_SIZE));
    const query = this.db<Row>(TABLE)
      .select(
        'id',
        'tenant_id',
        'job_type',
        'tier',
        'priority',
        'status',
        'reason',
        'message',
        'request',
        'entity_ref',
        'submitted_by',
        'idempotency_key',
        'cluster',
        'namespace',
        'k8s_name',
        'k8s_uid',
        'attempts',
        'retry_of',
        'created_at',
        'updated_at',
        'started_at',
        'finished_at',
        'observed_version',
        'archived_at',
      )
      .orderBy([
        { column: 'created_at', order: 'desc' },
        { column: 'id', order: 'desc' },
      ])
      .limit(limit + 1);
    applyFilter(query, filter);
    if (page.cursor) {
      const cursor = decodeCursor(page.cursor);
      if (!cursor) {
        throw new InputError(
          'cursor: not a cursor this API returned; start again without it',
        );
      }
      const at = new Date(cursor.createdAt);
      query.where(sub =>
        sub
          .where('created_at', '<', at)
          .orWhere(eq =>
            eq.where('created_at', at).where('id', '<', cursor.id),
          ),
      );
    }
    const rows = (await query) as Row[];
    const items = rows
      .slice(0, limit)
      .map(row => fromRow({ ...row, observed: null }));
    const last = items[items.length - 1];
    return {
      items,
      nextCursor:
        rows.length > limit && last
          ? encodeCursor({
              createdAt: new Date(last.createdAt).getTime(),
              id: last.id,
            })
          : undefined,
    };
  }

  async listByStatus(
    cluster: string,
    statuses: readonly RunStatus[],
    limit = 10_000,
  ): Promise<RunRecord[]> {
    const rows = await this.db<Row>(TABLE)
      .where({ cluster })
      .whereIn('status', [...statuses])
      .orderBy('created_at', 'asc')
      .limit(limit);
    return rows.map(fromRow);
  }

  async statusesOf(ids: string[]): Promise<Map<string, RunStatus>> {
    const found = new Map<string, RunStatus>();
    for (let i = 0; i < ids.length; i += 500) {
      const rows = await this.db<Row>(TABLE)
        .select('id', 'status')
        .whereIn('id', ids.slice(i, i + 500));
      rows.forEach(row => found.set(row.id, row.status));
    }
    return found;
  }

  async timings(
    filter: RunFilter & { permitted?: TenantCriteria; limit?: number },
  ): Promise<RunTiming[]> {
    const query = this.db<Row>(TABLE).select(
      'tenant_id',
      'job_type',
      'status',
      'created_at',
      'started_at',
      'finished_at',
    );
    applyFilter(query, filter);
    // Newest first and bounded: a tenant with a huge history is summed
    // over its latest runs, never read whole into memory.
    query.orderBy('created_at', 'desc').limit(filter.limit ?? MAX_TIMINGS);
    const rows = (await query) as Row[];
    return rows.map(row => ({
      tenantId: row.tenant_id,
      jobType: row.job_type,
      status: row.status,
      createdAt: toMillis(row.created_at)!,
      startedAt: toMillis(row.started_at),
      finishedAt: toMillis(row.finished_at),
    }));
  }

  async recentDurations(
    tenantId: string,
    createdAfter: Date,
    limit: number,
  ): Promise<number[]> {
    // Along the (tenant_id, created_at) index, newest first.
    const rows = (await this.db<Row>(TABLE)
      .select('started_at', 'finished_at')
      .where({ tenant_id: tenantId })
      .where('created_at', '>=', createdAfter)
      .whereNotNull('started_at')
      .whereNotNull('finished_at')
      .orderBy('created_at', 'desc')
      .limit(limit)) as Row[];
    return rows.map(
      row => toMillis(row.finished_at)! - toMillis(row.started_at)!,
    );
  }

  async countActive(tenantId: string): Promise<number> {
    const [{ count }] = await this.db<Row>(TABLE)
      .where({ tenant_id: tenantId })
      .whereIn('status', [...ACTIVE_STATUSES])
      .count({ count: '*' });
    return Number(count);
  }

  async activeTenantIds(): Promise<string[]> {
    const rows = await this.db<Row>(TABLE)
      .distinct('tenant_id')
      .whereIn('status', [...ACTIVE_STATUSES]);
    return rows.map(row => row.tenant_id);
  }

  async listUnarchived(
    finishedAfter: Date,
    limit: number,
  ): Promise<RunRecord[]> {
    const rows = await this.db<Row>(TABLE)
      .whereIn('status', [...FINAL_STATUSES])
      .whereNull('archived_at')
      .whereNotNull('k8s_uid')
      .where('finished_at', '>=', finishedAfter)
      .orderBy('finished_at', 'asc')
      .limit(limit);
    return rows.map(fromRow);
  }

  async delete(id: string): Promise<void> {
    await this.db<Row>(TABLE).where({ id }).delete();
  }

  async deleteFinishedBefore(date: Date): Promise<number> {
    return this.db.transaction(async (tx): Promise<number> => {
      const old = tx<Row>(TABLE)
        .select('id')
        .whereIn('status', [...FINAL_STATUSES])
        .where('finished_at', '<', date);
      // SQLite enforces foreign keys only when told to: delete explicitly.
      await tx('tenant_jobs_run_logs').whereIn('run_id', old.clone()).delete();
      const deleted = await tx<Row>(TABLE)
        .whereIn('status', [...FINAL_STATUSES])
        .where('finished_at', '<', date)
        .delete();
      return Number(deleted);
    });
  }
}
