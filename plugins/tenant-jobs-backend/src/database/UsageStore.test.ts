import {
  mockServices,
  TestDatabaseId,
  TestDatabases,
} from '@backstage/backend-test-utils';
import type { TenantJobPod } from '@tenant-jobs/plugin-tenant-jobs-common';
import { openDatabase } from '.';
import { NewRun, RunObservationUpdate } from './types';

jest.setTimeout(60_000);

const postgresId = `POSTGRES_${
  process.env.TENANT_JOBS_TEST_PG_MAJOR ?? '15'
}` as TestDatabaseId;
const databases = TestDatabases.create({ ids: ['SQLITE_3', postgresId] });

const GIB = 1024 ** 3;

function newRun(id: string, tenantId: string, jobType: string): NewRun {
  return {
    id,
    tenantId,
    jobType,
    tier: 'small',
    priority: 'normal',
    request: { tenantId, jobType },
    submittedBy: 'user:default/alice',
    cluster: 'local',
    namespace: `tenant-${tenantId}`,
    k8sName: `${jobType}-${id}`,
    releasedAt: new Date().toISOString(),
  };
}

function pod(
  name: string,
  cpuCores: number,
  memoryGiB: number,
  gpus: number,
  ranFrom: string,
  ranUntil?: string,
): TenantJobPod {
  return {
    name,
    phase: ranUntil ? 'Succeeded' : 'Running',
    restarts: 0,
    requests: { cpuCores, memoryBytes: memoryGiB * GIB, gpus },
    ranFrom,
    ...(ranUntil && { ranUntil }),
  };
}

function finished(
  pods: TenantJobPod[],
  finishedAt: string,
  version: number,
): RunObservationUpdate {
  return {
    status: 'Succeeded',
    reason: 'Completed',
    message: 'Completed.',
    attempts: pods.length,
    startedAt: pods[0]?.ranFrom,
    finishedAt,
    version,
    observed: { conditions: [], pods },
  };
}

describe.each(databases.eachSupportedId())('usage on %s', databaseId => {
  async function open() {
    const knex = await databases.init(databaseId);
    return openDatabase({
      database: mockServices.database({ knex, migrations: { skip: false } }),
    });
  }

  it("sums each finished run's pods' requests times the time they ran, by tenant, job type and day", async () => {
    const { runs, usage } = await open();
    const day = '2026-12-03';
    // acme's ETL: two attempts, 1 core / 2 GiB for 600 s, then 300 s.
    await runs.create(newRun('a1', 'acme', 'data-etl'));
    await runs.observe(
      'a1',
      finished(
        [
          pod('a1-0', 1, 2, 0, `${day}T10:00:00Z`, `${day}T10:10:00Z`),
          pod('a1-1', 1, 2, 0, `${day}T10:11:00Z`, `${day}T10:16:00Z`),
        ],
        `${day}T10:16:01Z`,
        1,
      ),
    );
    // acme's training: 8 cores, 32 GiB, 2 GPUs for one hour.
    await runs.create(newRun('a2', 'acme', 'ml-training'));
    await runs.observe(
      'a2',
      finished(
        [pod('a2-0', 8, 32, 2, `${day}T11:00:00Z`, `${day}T12:00:00Z`)],
        `${day}T12:00:00Z`,
        1,
      ),
    );
    // globex's ETL, the next day: 0.5 core, 1 GiB for 7200 s.
    await runs.create(newRun('g1', 'globex', 'data-etl'));
    await runs.observe(
      'g1',
      finished(
        [
          pod(
            'g1-0',
            0.5,
            1,
            0,
            '2026-12-04T00:00:00Z',
            '2026-12-04T02:00:00Z',
          ),
        ],
        '2026-12-04T02:00:00Z',
        1,
      ),
    );
    // A run still going counts nothing yet.
    await runs.create(newRun('a3', 'acme', 'data-etl'));

    const window = {
      from: new Date('2026-12-01T00:00:00Z'),
      to: new Date('2027-01-01T00:00:00Z'),
    };
    const byTenantAndType = await usage.usage(window, ['tenant', 'jobType']);
    expect(byTenantAndType).toEqual([
      {
        tenantId: 'acme',
        jobType: 'ml-training',
        runs: 1,
        cpuCoreSeconds: 8 * 3600,
        memoryGiBSeconds: 32 * 3600,
        gpuSeconds: 2 * 3600,
      },
      {
        tenantId: 'globex',
        jobType: 'data-etl',
        runs: 1,
        cpuCoreSeconds: 0.5 * 7200,
        memoryGiBSeconds: 7200,
        gpuSeconds: 0,
      },
      {
        tenantId: 'acme',
        jobType: 'data-etl',
        runs: 1,
        cpuCoreSeconds: 900,
        memoryGiBSeconds: 2 * 900,
        gpuSeconds: 0,
      },
    ]);
    const byDay = await usage.usage(window, ['day']);
    expect(byDay.map(r => [r.period, r.runs, r.cpuCoreSeconds])).toEqual([
      ['2026-12-03', 2, 8 * 3600 + 900],
      ['2026-12-04', 1, 3600],
    ]);
    const onlyGlobex = await usage.usage({ ...window, tenantIds: ['globex'] }, [
      'month',
    ]);
    expect(onlyGlobex).toEqual([
      expect.objectContaining({ period: '2026-12', runs: 1 }),
    ]);
    expect(await usage.usage({ ...window, tenantIds: [] }, ['tenant'])).toEqual(
      [],
    );
  });

  it('counts a pod still running when its run is cancelled until the run ends', async () => {
    const { runs, usage } = await open();
    await runs.create(newRun('c1', 'acme', 'data-etl'));
    await runs.observe('c1', {
      ...finished(
        [pod('c1-0', 2, 4, 0, '2026-12-05T09:00:00Z')],
        '2026-12-05T09:00:00Z',
        1,
      ),
      status: 'Running',
      reason: 'Running',
      finishedAt: undefined,
    });
    const cancelledAt = '2026-12-05T09:30:00Z';
    await runs.transition('c1', ['Running'], {
      status: 'Cancelled',
      finishedAt: cancelledAt,
    });
    const [row] = await usage.usage(
      {
        from: new Date('2026-12-01T00:00:00Z'),
        to: new Date('2027-01-01T00:00:00Z'),
      },
      ['tenant'],
    );
    expect(row).toEqual({
      tenantId: 'acme',
      runs: 1,
      cpuCoreSeconds: 2 * 1800,
      memoryGiBSeconds: 4 * 1800,
      gpuSeconds: 0,
    });
  });

  it('still counts an attempt whose pod was deleted before the run ended', async () => {
    const { runs, usage } = await open();
    await runs.create(newRun('d1', 'acme', 'data-etl'));
    const first = pod(
      'd1-0',
      1,
      1,
      0,
      '2026-12-06T10:00:00Z',
      '2026-12-06T10:10:00Z',
    );
    await runs.observe('d1', {
      ...finished([first], '2026-12-06T10:10:00Z', 1),
      status: 'Running',
      reason: 'Running',
      finishedAt: undefined,
    });
    // The failed attempt's pod is gone by the time the run succeeds.
    const second = pod(
      'd1-1',
      1,
      1,
      0,
      '2026-12-06T10:11:00Z',
      '2026-12-06T10:16:00Z',
    );
    await runs.observe('d1', finished([second], '2026-12-06T10:16:00Z', 2));
    const [row] = await usage.usage(
      {
        from: new Date('2026-12-01T00:00:00Z'),
        to: new Date('2027-01-01T00:00:00Z'),
      },
      ['tenant'],
    );
    expect(row.cpuCoreSeconds).toBe(600 + 300);
  });

  it('never counts a pod from before it existed', async () => {
    const { runs, usage } = await open();
    await runs.create(newRun('e1', 'acme', 'data-etl'));
    // A start time the runtime got wrong: counted from the pod's start.
    const odd = {
      ...pod('e1-0', 2, 1, 0, '2026-12-06T09:00:00Z', '2026-12-06T10:01:00Z'),
      startedAt: '2026-12-06T10:00:00Z',
    };
    await runs.observe('e1', finished([odd], '2026-12-06T10:01:00Z', 1));
    const [row] = await usage.usage(
      {
        from: new Date('2026-12-01T00:00:00Z'),
        to: new Date('2027-01-01T00:00:00Z'),
      },
      ['tenant'],
    );
    expect(row.cpuCoreSeconds).toBe(2 * 60);
  });

  it("counts each tenant's active and queued runs and how its recent runs ended", async () => {
    const { runs, usage } = await open();
    await runs.create(newRun('r1', 'acme', 'data-etl'));
    await runs.create({
      ...newRun('q1', 'acme', 'data-etl'),
      releasedAt: undefined,
    });
    const now = new Date().toISOString();
    await runs.create(newRun('s1', 'globex', 'data-etl'));
    await runs.observe('s1', finished([], now, 1));
    await runs.create(newRun('f1', 'globex', 'data-etl'));
    await runs.observe('f1', { ...finished([], now, 1), status: 'Failed' });
    const figures = await usage.tenantFigures(
      new Date(Date.now() - 86_400_000),
    );
    expect(Object.fromEntries(figures)).toEqual({
      acme: { active: 1, queued: 1, succeeded: 0, failed: 0 },
      globex: { active: 0, queued: 0, succeeded: 1, failed: 1 },
    });
  });
});

describe.each(databases.eachSupportedId())('audit trail on %s', databaseId => {
  it('pages newest first with filters, and reads every entry of a filter in batches', async () => {
    const knex = await databases.init(databaseId);
    const { audit } = await openDatabase({
      database: mockServices.database({ knex, migrations: { skip: false } }),
    });
    for (let i = 0; i < 7; i++) {
      await audit.append({
        actor: i % 2 ? 'user:default/alice' : 'user:default/dave',
        action: i === 3 ? 'run-cancel' : 'run-submit',
        tenantId: i < 5 ? 'acme' : 'globex',
        runId: `run-${i}`,
        outcome: i === 6 ? 'refused' : 'succeeded',
        asAdmin: i === 3,
        detail: { i },
      });
    }
    const seen: number[] = [];
    let cursor: string | undefined;
    do {
      const page = await audit.page(
        { tenantIds: ['acme'] },
        { limit: 2, cursor },
      );
      seen.push(...page.items.map(e => Number(e.detail?.i)));
      cursor = page.nextCursor;
    } while (cursor);
    expect(seen).toEqual([4, 3, 2, 1, 0]);

    const cancels = await audit.page(
      { actions: ['run-cancel'] },
      { limit: 10 },
    );
    expect(cancels.items).toEqual([
      expect.objectContaining({
        action: 'run-cancel',
        actor: 'user:default/alice',
        asAdmin: true,
        runId: 'run-3',
      }),
    ]);
    const refused = await audit.page(
      { outcomes: ['refused'], actor: 'user:default/dave' },
      { limit: 10 },
    );
    expect(refused.items.map(e => e.runId)).toEqual(['run-6']);

    const all: number[] = [];
    for await (const entry of audit.each({}, 3))
      all.push(Number(entry.detail?.i));
    expect(all).toEqual([6, 5, 4, 3, 2, 1, 0]);

    await expect(
      audit.page({}, { limit: 2, cursor: 'not-ours' }),
    ).rejects.toThrow(/cursor: not a cursor this API returned/);
  });
});
