import { TestDatabases } from '@backstage/backend-test-utils';
import { historyRows, insertHistory, seededRandom, uuidOf } from './history';

const TARGET = {
  tenantId: 'acme-analytics',
  entityRef: 'component:default/acme-warehouse-etl',
  namespace: 'tenant-acme-analytics',
  cluster: 'local',
  submitters: ['user:default/alice'],
};
const NOW = Date.parse('2026-11-27T12:00:00Z');

const databases = TestDatabases.create({ ids: ['SQLITE_3'] });

describe('demo run history', () => {
  it('spreads finished runs over the 28 days before the last hour', () => {
    const { runs, logs } = historyRows(TARGET, {
      count: 500,
      now: NOW,
      archived: 10,
    });
    expect(runs).toHaveLength(500);
    expect(logs).toHaveLength(10);
    const created = runs.map(r => r.created_at.getTime());
    expect(Math.min(...created)).toBeGreaterThanOrEqual(
      NOW - 3_600_000 - 28 * 86_400_000,
    );
    expect(Math.max(...created)).toBeLessThan(NOW - 3_600_000);
    expect(new Set(runs.map(r => r.status))).toEqual(
      new Set(['Succeeded', 'Failed', 'Cancelled']),
    );
    expect(new Set(runs.map(r => r.id)).size).toBe(500);
    expect(new Set(runs.map(r => r.k8s_name)).size).toBe(500);
    for (const run of runs) {
      expect(run.finished_at.getTime()).toBeGreaterThan(
        run.started_at.getTime(),
      );
      expect(run.archived_at).toBeDefined();
    }
    expect(logs.some(l => l.log.includes('TENANT_JOBS_RESULT {'))).toBe(true);
  });

  it('makes run ids that look like the backend’s', () => {
    expect(uuidOf(seededRandom(1))).toMatch(
      /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-8[0-9a-f]{3}-[0-9a-f]{12}$/,
    );
  });

  it('inserts into the tables the backend migrated', async () => {
    const db = await databases.init('SQLITE_3');
    await db.migrate.latest({
      directory: require
        .resolve('@tenant-jobs/plugin-tenant-jobs-backend/package.json')
        .replace(/package\.json$/, 'migrations'),
    });
    expect(
      await insertHistory(db, TARGET, { count: 300, now: NOW, archived: 5 }),
    ).toBe(300);
    const [{ count }] = await db('tenant_jobs_runs').count({ count: '*' });
    expect(Number(count)).toBe(300);
    const [{ logs }] = await db('tenant_jobs_run_logs').count({ logs: '*' });
    expect(Number(logs)).toBe(5);
    // Once only: a restarted dev server keeps its database.
    expect(
      await insertHistory(db, TARGET, {
        count: 300,
        now: NOW + 60_000,
        archived: 5,
      }),
    ).toBe(0);
  });
});
