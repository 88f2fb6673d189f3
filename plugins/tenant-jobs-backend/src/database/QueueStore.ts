import { Knex } from 'knex';
import { RUNS_TABLE } from './RunStore';
import { countSlotHolders, lockTenant } from './tenantSlots';

/** Where a waiting run stands in its tenant's queue. */
export type QueuePlace = {
  /** 1 for the next run to be released. */
  position: number;
  /** Runs of the tenant holding a slot now. */
  running: number;
};

/**
 * The per-tenant queue in the runs table. A queued run is `Queued` with no
 * `released_at`; releasing sets it in the same transaction that counts the
 * tenant's slots, under the tenant's lock, so two replicas never release
 * one run twice nor more runs than there are slots.
 */
export class QueueStore {
  constructor(private readonly db: Knex) {}

  /**
   * Releases as many of the tenant's queued runs as it has free slots,
   * highest priority first, then oldest. Returns the ids released.
   */
  async release(tenantId: string, maxActive: number): Promise<string[]> {
    return this.db.transaction(async tx => {
      await lockTenant(tx, tenantId);
      const free = maxActive - (await countSlotHolders(tx, tenantId));
      if (free <= 0) return [];
      const next = await tx(RUNS_TABLE)
        .select('id')
        .where({ tenant_id: tenantId, status: 'Queued' })
        .whereNull('released_at')
        .orderBy([
          { column: 'priority_value', order: 'desc' },
          { column: 'created_at', order: 'asc' },
          { column: 'id', order: 'asc' },
        ])
        .limit(free);
      const ids = next.map((row: { id: string }) => row.id);
      if (ids.length === 0) return [];
      await tx(RUNS_TABLE)
        .whereIn('id', ids)
        .whereNull('released_at')
        .update({ released_at: new Date(), updated_at: new Date() });
      return ids;
    });
  }

  /** Tenants with runs waiting in their queue. */
  async tenantsWaiting(): Promise<string[]> {
    const rows = await this.db(RUNS_TABLE)
      .distinct('tenant_id')
      .where({ status: 'Queued' })
      .whereNull('released_at');
    return rows.map((row: { tenant_id: string }) => row.tenant_id);
  }

  /**
   * Released runs still `Queued` whose Job exists, older than `before`:
   * their Job may still be suspended (a release whose resume was lost).
   */
  async releasedNotStarted(before: Date, limit = 500) {
    return this.db(RUNS_TABLE)
      .select('id', 'cluster', 'namespace', 'k8s_name as k8sName')
      .where({ status: 'Queued' })
      .whereNotNull('released_at')
      .whereNotNull('k8s_uid')
      .where('released_at', '<', before)
      .limit(limit) as Promise<
      Array<{ id: string; cluster: string; namespace: string; k8sName: string }>
    >;
  }

  /** Where a waiting run stands, or undefined when it is not waiting. */
  async placeOf(run: {
    id: string;
    tenantId: string;
    priority: string;
    createdAt: string;
    releasedAt?: string;
    status: string;
  }): Promise<QueuePlace | undefined> {
    if (run.status !== 'Queued' || run.releasedAt) return undefined;
    const row = await this.db(RUNS_TABLE)
      .select('priority_value')
      .where({ id: run.id })
      .first();
    if (!row) return undefined;
    const value = Number(row.priority_value);
    const created = new Date(run.createdAt);
    const [{ count }] = await this.db(RUNS_TABLE)
      .where({ tenant_id: run.tenantId, status: 'Queued' })
      .whereNull('released_at')
      .whereNot({ id: run.id })
      .where(ahead =>
        ahead
          .where('priority_value', '>', value)
          .orWhere(same =>
            same
              .where('priority_value', value)
              .where(older =>
                older
                  .where('created_at', '<', created)
                  .orWhere(tie =>
                    tie.where('created_at', created).where('id', '<', run.id),
                  ),
              ),
          ),
      )
      .count({ count: '*' });
    return {
      position: Number(count) + 1,
      running: await countSlotHolders(this.db, run.tenantId),
    };
  }
}
