import { NotFoundError } from '@backstage/errors';
import type { TriggerRequest } from '@tenant-jobs/plugin-tenant-jobs-common';
import { Knex } from 'knex';

const TABLE = 'tenant_jobs_triggers';

/** A trigger rule as stored. */
export type TriggerRecord = {
  id: string;
  tenantId: string;
  request: TriggerRequest;
  createdBy: string;
  createdAt: string;
  launched: number;
  dropped: Record<string, number>;
};

type Row = {
  id: string;
  tenant_id: string;
  topic: string;
  request: string;
  created_by: string;
  created_at: Date | string | number;
  launched: number;
  dropped: string;
};

function fromRow(row: Row): TriggerRecord {
  return {
    id: row.id,
    tenantId: row.tenant_id,
    request: JSON.parse(row.request),
    createdBy: row.created_by,
    createdAt: new Date(row.created_at).toISOString(),
    launched: Number(row.launched),
    dropped: JSON.parse(row.dropped),
  };
}

/** Persistence of trigger rules and their counts. */
export class TriggerStore {
  constructor(private readonly db: Knex) {}

  async create(
    rule: Pick<TriggerRecord, 'id' | 'tenantId' | 'request' | 'createdBy'>,
  ): Promise<TriggerRecord> {
    await this.db<Row>(TABLE).insert({
      id: rule.id,
      tenant_id: rule.tenantId,
      topic: rule.request.topic,
      request: JSON.stringify(rule.request),
      created_by: rule.createdBy,
      created_at: new Date(),
      launched: 0,
      dropped: '{}',
    });
    return this.get(rule.id);
  }

  async get(id: string): Promise<TriggerRecord> {
    const row = await this.db<Row>(TABLE).where({ id }).first();
    if (!row) throw new NotFoundError(`No trigger with id '${id}'`);
    return fromRow(row);
  }

  async find(id: string): Promise<TriggerRecord | undefined> {
    const row = await this.db<Row>(TABLE).where({ id }).first();
    return row ? fromRow(row) : undefined;
  }

  /** How many trigger rules the tenant keeps. */
  async countOf(tenantId: string): Promise<number> {
    const [row] = await this.db<Row>(TABLE)
      .where({ tenant_id: tenantId })
      .count({ count: '*' });
    return Number(row?.count ?? 0);
  }

  async list(tenantIds: string[]): Promise<TriggerRecord[]> {
    if (tenantIds.length === 0) return [];
    const rows = await this.db<Row>(TABLE)
      .whereIn('tenant_id', tenantIds)
      .orderBy('created_at', 'asc');
    return rows.map(fromRow);
  }

  async byTopic(topic: string): Promise<TriggerRecord[]> {
    return (await this.db<Row>(TABLE).where({ topic })).map(fromRow);
  }

  async topics(): Promise<string[]> {
    const rows = await this.db<Row>(TABLE).distinct('topic');
    return rows.map(row => row.topic);
  }

  async countLaunch(id: string): Promise<void> {
    await this.db<Row>(TABLE).where({ id }).increment('launched', 1);
  }

  /** Counts a drop by reason; serialized per rule in one transaction. */
  async countDrop(id: string, reason: string): Promise<void> {
    await this.db.transaction(async tx => {
      const row = await tx<Row>(TABLE).where({ id }).forUpdate().first();
      if (!row) return;
      const dropped = JSON.parse(row.dropped) as Record<string, number>;
      dropped[reason] = (dropped[reason] ?? 0) + 1;
      await tx<Row>(TABLE)
        .where({ id })
        .update({ dropped: JSON.stringify(dropped) });
    });
  }

  async delete(id: string): Promise<void> {
    await this.db<Row>(TABLE).where({ id }).delete();
  }
}
