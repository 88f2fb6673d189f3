import { Knex } from 'knex';
import { ACTIVE_STATUSES } from './types';

const TABLE = 'tenant_jobs_runs';

/**
 * Serializes what follows in `tx` with every other admission or release
 * of the tenant, across replicas. PostgreSQL: a transaction-scoped advisory
 * lock; SQLite serializes writers on its own.
 */
export async function lockTenant(
  tx: Knex.Transaction,
  tenantId: string,
): Promise<void> {
  if (tx.client.config.client === 'pg') {
    await tx.raw('select pg_advisory_xact_lock(hashtext(?))', [
      `tenant-jobs:${tenantId}`,
    ]);
  }
}

/** Runs of the tenant that hold one of its slots: released, not finished. */
export async function countSlotHolders(
  db: Knex | Knex.Transaction,
  tenantId: string,
): Promise<number> {
  const [{ count }] = await db(TABLE)
    .where({ tenant_id: tenantId })
    .whereIn('status', [...ACTIVE_STATUSES])
    .whereNotNull('released_at')
    .count({ count: '*' });
  return Number(count);
}
