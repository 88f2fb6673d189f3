/*
 * Two backend processes on one PostgreSQL database, as two replicas of a
 * Backstage deployment: each tracks the cluster and releases the tenant's
 * queue when it sees a slot free, and submissions reach both at once. The
 * tenant's lock (a PostgreSQL advisory lock) and the compare-and-set on
 * `released_at` must make every run released exactly once and never more
 * runs hold a slot than the plan allows.
 */
import { TestDatabaseId, TestDatabases } from '@backstage/backend-test-utils';
import {
  TENANT_JOBS_LABELS,
  TenantJobRun,
} from '@tenant-jobs/plugin-tenant-jobs-common';
import request from 'supertest';
import {
  startTenantJobsTestBackend,
  TenantJobsTestEnv,
  testJobType,
  waitFor,
} from './__testUtils__/harness';

jest.setTimeout(600_000);

// PostgreSQL from Debian's packages (scripts/ensure-postgres.sh), in the
// version that machine has.
const postgresId = `POSTGRES_${
  process.env.TENANT_JOBS_TEST_PG_MAJOR ?? '15'
}` as TestDatabaseId;
const databases = TestDatabases.create({ ids: [postgresId] });

const PROBE = 'replica-probe';
const LIMIT = 2;
const FINAL = ['Succeeded', 'Failed', 'Cancelled'];
const ACTIVE = ['Queued', 'Pending', 'Running'];
const RANK: Record<string, number> = { high: 3, normal: 2, low: 1, batch: 0 };
const PRIORITIES = [
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
  'low',
  'normal',
];

describe('Tenant Jobs with two backend processes on one PostgreSQL database', () => {
  let env: TenantJobsTestEnv;

  beforeAll(async () => {
    env = await startTenantJobsTestBackend({
      databases,
      databaseId: postgresId,
      replicas: 2,
      jobTypes: [testJobType(PROBE, { simulate: 'duration=4s' })],
      plans: {
        basic: { allowedJobTypes: undefined, maxConcurrentJobs: LIMIT },
      },
      config: { tracking: { reconcileIntervalSeconds: 2 } },
    });
  }, 300_000);

  afterAll(async () => {
    await env?.stop();
  });

  const submit = async (
    url: string,
    priority: string,
  ): Promise<TenantJobRun> => {
    const res = await request(url)
      .post('/api/tenant-jobs/runs')
      .set('Authorization', env.as('bob'))
      .send({ tenantId: env.org.tenants.b, jobType: PROBE, priority });
    expect({ status: res.status, error: res.body.error }).toEqual({
      status: 201,
      error: undefined,
    });
    return res.body;
  };

  const read = async (url: string, id: string): Promise<TenantJobRun> =>
    (
      await request(url)
        .get(`/api/tenant-jobs/runs/${id}`)
        .set('Authorization', env.as('bob'))
    ).body;

  /** Runs of the tenant holding a slot now: released and not finished. */
  async function slotHolders(): Promise<number> {
    const [{ count }] = await env
      .knex('tenant_jobs_runs')
      .where({ tenant_id: env.org.tenants.b })
      .whereIn('status', ACTIVE)
      .whereNotNull('released_at')
      .count({ count: '*' });
    return Number(count);
  }

  it('admits and releases every run exactly once, never more at once than the limit, in priority then age order', async () => {
    expect(env.urls).toHaveLength(2);
    const [first, second] = env.urls;
    expect(first).not.toBe(second);

    // Sampled from the shared database and the cluster while it all runs.
    let mostHolders = 0;
    let mostPods = 0;
    let sampling = true;
    const sampler = (async () => {
      while (sampling) {
        mostHolders = Math.max(mostHolders, await slotHolders());
        mostPods = Math.max(
          mostPods,
          await env.countActivePods(env.org.tenants.b),
        );
        await new Promise(resolve => setTimeout(resolve, 100));
      }
    })();

    // A first wave of six at once, three to each replica, races for the
    // two free slots; the rest follow in pairs, one to each replica.
    const wave = PRIORITIES.slice(0, 6);
    const submitted: TenantJobRun[] = [];
    let runs: TenantJobRun[];
    try {
      submitted.push(
        ...(await Promise.all(
          wave.map((priority, i) => submit(env.urls[i % 2], priority)),
        )),
      );
      // Admission counted across both processes: exactly the limit got a
      // slot, whichever replica took the submission.
      expect(submitted.filter(r => r.status !== 'Queued')).toHaveLength(LIMIT);
      for (let i = wave.length; i < PRIORITIES.length; i += 2) {
        submitted.push(
          ...(await Promise.all([
            submit(first, PRIORITIES[i]),
            submit(second, PRIORITIES[i + 1]),
          ])),
        );
      }

      // Each replica answers for every run, whichever took it.
      runs = await waitFor(
        'every run to finish',
        async () => {
          const all = await Promise.all(
            submitted.map((r, i) => read(env.urls[(i + 1) % 2], r.id)),
          );
          return all.every(r => FINAL.includes(r.status)) ? all : undefined;
        },
        300_000,
      );
    } finally {
      // Also when it failed: no query after the database is gone.
      sampling = false;
      await sampler;
    }

    expect(runs.map(r => r.status)).toEqual(PRIORITIES.map(() => 'Succeeded'));
    expect(mostHolders).toBeGreaterThan(0);
    expect(mostHolders).toBeLessThanOrEqual(LIMIT);
    expect(mostPods).toBeLessThanOrEqual(LIMIT);

    // Exactly one Job per run, none without a run.
    const jobs = await env.listJobs(env.org.tenants.b);
    const jobRunIds = jobs
      .map(job => job.metadata?.labels?.[TENANT_JOBS_LABELS.runId])
      .sort();
    expect(jobRunIds).toEqual(submitted.map(r => r.id).sort());

    // Released highest priority first, then oldest (the queue's own order
    // of creation time, then id), by whichever replica saw a slot free.
    const startedAtOnce = new Set(
      submitted.filter(r => r.status !== 'Queued').map(r => r.id),
    );
    const queued = runs.filter(r => !startedAtOnce.has(r.id));
    const expected = [...queued]
      .sort(
        (a, b) =>
          RANK[b.priority] - RANK[a.priority] ||
          Date.parse(a.createdAt) - Date.parse(b.createdAt) ||
          (a.id < b.id ? -1 : 1),
      )
      .map(r => r.id);
    // Runs released in one transaction share its time: ties keep the
    // queue's order.
    const byRelease = [...queued].sort(
      (a, b) =>
        Date.parse(a.releasedAt!) - Date.parse(b.releasedAt!) ||
        expected.indexOf(a.id) - expected.indexOf(b.id),
    );
    expect(byRelease.map(r => r.id)).toEqual(expected);
    process.stderr.write(
      `Two replicas, ${
        runs.length
      } runs, limit ${LIMIT}: at most ${mostHolders} held a slot and ${mostPods} pods ran at once; ${
        jobs.length
      } Jobs; released in order ${byRelease.map(r => r.priority).join(', ')}\n`,
    );
  });
});
