/*
 * The per-tenant queue, against the local cluster: over its plan's limit a
 * tenant's runs wait with their Jobs suspended and start as slots free,
 * highest priority first, then oldest, never more at once than the limit;
 * a backend killed with SIGKILL mid-queue loses and duplicates nothing.
 * The backend runs in a child process on a SQLite file.
 */
import { TestDatabases } from '@backstage/backend-test-utils';
import { TenantJobRun } from '@tenant-jobs/plugin-tenant-jobs-common';
import request from 'supertest';
import {
  startTenantJobsTestBackend,
  TenantJobsTestEnv,
  testJobType,
  waitFor,
} from './__testUtils__/harness';

jest.setTimeout(600_000);

const databases = TestDatabases.create({ ids: ['SQLITE_3'] });

const PROBE = 'queue-probe';
const LIMIT = 2;
const FINAL = ['Succeeded', 'Failed', 'Cancelled'];

describe('Tenant Jobs per-tenant queue on the local cluster', () => {
  let env: TenantJobsTestEnv;

  beforeAll(async () => {
    env = await startTenantJobsTestBackend({
      databases,
      childProcess: true,
      jobTypes: [testJobType(PROBE, { simulate: 'duration=4s' })],
      plans: {
        basic: { allowedJobTypes: undefined, maxConcurrentJobs: LIMIT },
      },
      config: { tracking: { reconcileIntervalSeconds: 2 } },
    });
  });

  afterAll(async () => {
    await env?.stop();
  });

  const submit = async (priority: string): Promise<TenantJobRun> => {
    const res = await request(env.url)
      .post('/api/tenant-jobs/runs')
      .set('Authorization', env.as('bob'))
      .send({ tenantId: env.org.tenants.b, jobType: PROBE, priority });
    expect({ status: res.status, error: res.body.error }).toEqual({
      status: 201,
      error: undefined,
    });
    return res.body;
  };

  const read = async (id: string): Promise<TenantJobRun> =>
    (
      await request(env.url)
        .get(`/api/tenant-jobs/runs/${id}`)
        .set('Authorization', env.as('bob'))
    ).body;

  /** Waits until every run is final, sampling how many pods run at once. */
  async function finishAll(ids: string[]): Promise<{
    runs: TenantJobRun[];
    mostAtOnce: number;
  }> {
    let mostAtOnce = 0;
    const runs = await waitFor(
      'every queued run to finish',
      async () => {
        mostAtOnce = Math.max(
          mostAtOnce,
          await env.countActivePods(env.org.tenants.b),
        );
        const all = await Promise.all(ids.map(read));
        return all.every(r => FINAL.includes(r.status)) ? all : undefined;
      },
      240_000,
    );
    return { runs, mostAtOnce };
  }

  it('runs at most the limit at once, starting waiting runs by priority, then age', async () => {
    const priorities = [
      'normal',
      'low',
      'batch',
      'high',
      'normal',
      'low',
      'high',
      'batch',
      'normal',
      'high',
    ];
    const submitted: TenantJobRun[] = [];
    for (const priority of priorities) {
      submitted.push(await submit(priority));
    }
    // The first two got the slots; the rest wait, their Jobs suspended.
    expect(submitted.slice(0, LIMIT).map(r => r.status)).toEqual([
      'Pending',
      'Pending',
    ]);
    for (const run of submitted.slice(LIMIT)) {
      expect(run).toMatchObject({ status: 'Queued', reason: 'WaitingForSlot' });
      const job = await env.readJob(env.org.tenants.b, run.jobName!);
      expect(job?.spec?.suspend).toBe(true);
    }
    // Their places in the queue follow priority, then age.
    const rank: Record<string, number> = {
      high: 0,
      normal: 1,
      low: 2,
      batch: 3,
    };
    const expected = submitted
      .slice(LIMIT)
      .map((run, i) => ({ id: run.id, priority: priorities[i + LIMIT], i }))
      .sort((a, b) => rank[a.priority] - rank[b.priority] || a.i - b.i)
      .map(r => r.id);
    const places = (await Promise.all(submitted.map(r => read(r.id))))
      .filter(r => r.queue)
      .sort((a, b) => a.queue!.position - b.queue!.position);
    expect(places.length).toBeGreaterThan(0);
    expect(places[0].queue).toMatchObject({ position: 1, slots: LIMIT });
    expect(places.map(r => r.id)).toEqual(
      expected.filter(id => places.some(p => p.id === id)),
    );

    const { runs, mostAtOnce } = await finishAll(submitted.map(r => r.id));
    expect(runs.map(r => r.status)).toEqual(priorities.map(() => 'Succeeded'));
    expect(mostAtOnce).toBeLessThanOrEqual(LIMIT);
    expect(mostAtOnce).toBeGreaterThan(0);

    // Released highest priority first, then oldest.
    const byRelease = runs
      .slice(LIMIT)
      .sort((a, b) => Date.parse(a.releasedAt!) - Date.parse(b.releasedAt!))
      .map(r => r.id);
    expect(byRelease).toEqual(expected);
    // Never more than the limit between release and finish.
    const events = runs.flatMap(r => [
      { at: Date.parse(r.releasedAt!), delta: 1 },
      { at: Date.parse(r.finishedAt!), delta: -1 },
    ]);
    events.sort((a, b) => a.at - b.at || a.delta - b.delta);
    let holding = 0;
    for (const event of events) {
      holding += event.delta;
      expect(holding).toBeLessThanOrEqual(LIMIT);
    }
  });

  it('loses and duplicates nothing when the backend is killed mid-queue', async () => {
    const submitted: TenantJobRun[] = [];
    for (const priority of [
      'normal',
      'normal',
      'high',
      'low',
      'normal',
      'high',
    ]) {
      submitted.push(await submit(priority));
    }
    await waitFor('the first runs to start', async () =>
      ['Running', 'Succeeded'].includes((await read(submitted[0].id)).status)
        ? true
        : undefined,
    );
    // Killed while two run and four wait; their slots free while it is down.
    await env.restart(async () => {
      await new Promise(resolve => setTimeout(resolve, 10_000));
    });
    const { runs, mostAtOnce } = await finishAll(submitted.map(r => r.id));
    expect(runs.map(r => r.status)).toEqual(submitted.map(() => 'Succeeded'));
    expect(mostAtOnce).toBeLessThanOrEqual(LIMIT);
    // Each run had exactly one Job, and every Job its run.
    for (const run of submitted) {
      expect(
        await env.countJobs(
          env.org.tenants.b,
          `tenant-jobs.io/run-id=${run.id}`,
        ),
      ).toBe(1);
    }
    expect(await env.countRuns(env.org.tenants.b)).toBe(10 + submitted.length);
  });
});
