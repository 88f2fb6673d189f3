import { TestDatabases } from '@backstage/backend-test-utils';
import { ConfigReader } from '@backstage/config';
import {
  evenShares,
  historyRows,
  insertHistory,
  insertSpreadHistory,
  seededRandom,
  uuidOf,
} from './history';
import { historyTargets } from './targets';

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

  it('records each run’s usage: its tier’s requests times the time it ran', () => {
    const { runs } = historyRows(TARGET, { count: 200, now: NOW });
    const requests: Record<string, [number, number, number]> = {
      medium: [0.5, 1, 0],
      large: [2, 4, 0],
      xlarge: [8, 16, 1],
    };
    for (const run of runs) {
      const seconds =
        (run.finished_at.getTime() - run.started_at.getTime()) / 1000;
      const [cpu, memory, gpu] = requests[run.tier];
      expect(run.usage_cpu_core_seconds).toBeCloseTo(cpu * seconds, 6);
      expect(run.usage_memory_gib_seconds).toBeCloseTo(memory * seconds, 6);
      expect(run.usage_gpu_seconds).toBeCloseTo(gpu * seconds, 6);
      const [pod] = JSON.parse(run.observed).pods;
      expect(pod.requests.cpuCores).toBe(cpu);
      expect(pod.ranFrom).toBe(run.started_at.toISOString());
    }
    expect(runs.some(run => run.usage_gpu_seconds > 0)).toBe(true);
  });

  it('spreads a history over every configured tenant, within each plan', async () => {
    const config = new ConfigReader({
      tenantJobs: {
        namespacePattern: 'team-{tenant}',
        clusters: [{ name: 'east' }, { name: 'west' }],
        plans: {
          enterprise: { maxTier: 'enterprise' },
          starter: {
            maxTier: 'medium',
            allowedJobTypes: ['data-etl', 'security-scan', 'billing-report'],
          },
        },
        defaultPlan: 'starter',
        tenants: {
          'acme-analytics': { plan: 'enterprise' },
          'initech-labs': {},
          'bench-a': { cluster: 'west' },
        },
      },
    });
    const targets = historyTargets(config);
    expect(targets.map(t => [t.tenantId, t.namespace, t.cluster])).toEqual([
      ['acme-analytics', 'team-acme-analytics', 'east'],
      ['initech-labs', 'team-initech-labs', 'east'],
      ['bench-a', 'team-bench-a', 'west'],
    ]);
    expect(targets[2].submitters).toEqual(['user:default/bench-a-engineer']);
    expect(targets[2].entityRef).toBeUndefined();
    expect(historyTargets(config, ['bench-a'])).toHaveLength(1);
    expect(() => historyTargets(config, ['nobody'])).toThrow(
      'Not under tenantJobs.tenants: nobody',
    );
    expect(evenShares(10, 3)).toEqual([4, 3, 3]);

    const db = await databases.init('SQLITE_3');
    await db.migrate.latest({
      directory: require
        .resolve('@tenant-jobs/plugin-tenant-jobs-backend/package.json')
        .replace(/package\.json$/, 'migrations'),
    });
    expect(
      await insertSpreadHistory(db, targets, { count: 1000, now: NOW }),
    ).toEqual([
      { tenantId: 'acme-analytics', inserted: 334 },
      { tenantId: 'initech-labs', inserted: 333 },
      { tenantId: 'bench-a', inserted: 333 },
    ]);
    const rows: Array<{
      tenant_id: string;
      job_type: string;
      tier: string;
      namespace: string;
      entity_ref: string | null;
      usage_cpu_core_seconds: number | null;
    }> = await db('tenant_jobs_runs').select(
      'tenant_id',
      'job_type',
      'tier',
      'namespace',
      'entity_ref',
      'usage_cpu_core_seconds',
    );
    expect(rows).toHaveLength(1000);
    expect(rows.every(r => Number(r.usage_cpu_core_seconds) > 0)).toBe(true);
    const starter = rows.filter(r => r.tenant_id !== 'acme-analytics');
    expect(new Set(starter.map(r => r.tier))).toEqual(new Set(['medium']));
    expect(new Set(starter.map(r => r.job_type))).toEqual(
      new Set(['data-etl', 'security-scan', 'billing-report']),
    );
    expect(
      new Set(
        rows.filter(r => r.tenant_id === 'bench-a').map(r => r.namespace),
      ),
    ).toEqual(new Set(['team-bench-a']));
    expect(
      rows.filter(r => r.tenant_id === 'bench-a').every(r => !r.entity_ref),
    ).toBe(true);
    expect(
      new Set(
        rows.filter(r => r.tenant_id === 'acme-analytics').map(r => r.job_type),
      ).has('ml-training'),
    ).toBe(true);
    // Once only, as the single history.
    expect(
      (
        await insertSpreadHistory(db, targets, { count: 1000, now: NOW + 1 })
      ).every(r => r.inserted === 0),
    ).toBe(true);
  });
});
