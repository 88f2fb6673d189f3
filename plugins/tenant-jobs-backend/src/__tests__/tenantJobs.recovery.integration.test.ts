/*
 * Crash recovery, against the local cluster: the backend runs in a child
 * process on a SQLite file and is killed with SIGKILL while runs are under
 * way; later the kube-apiserver itself is killed and started again while
 * the backend watches. Every run still ends in its right final state, no
 * run is duplicated and no Job is left without a run.
 */
import { TestDatabases } from '@backstage/backend-test-utils';
import {
  TenantJobRun,
  TenantJobRunDetail,
} from '@tenant-jobs/plugin-tenant-jobs-common';
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import request from 'supertest';
import {
  namespaceOf,
  REPO_ROOT,
  startTenantJobsTestBackend,
  TenantJobsTestEnv,
  UserKey,
  waitFor,
  testJobType,
} from './__testUtils__/harness';

jest.setTimeout(600_000);

const databases = TestDatabases.create({ ids: ['SQLITE_3'] });

const TYPES = [
  testJobType('it-ok', { simulate: 'duration=8s' }),
  testJobType('it-fail', { simulate: 'fail=1,duration=6s', retries: 1 }),
];

const FINAL = ['Succeeded', 'Failed', 'Cancelled'];

describe('Tenant Jobs recovery: backend SIGKILL and kube-apiserver restart', () => {
  let env: TenantJobsTestEnv;

  beforeAll(async () => {
    env = await startTenantJobsTestBackend({
      databases,
      childProcess: true,
      jobTypes: TYPES,
      plans: {
        gold: { quota: { cpu: '48', memory: '96Gi', pods: 60, jobs: 200 } },
        basic: {
          allowedJobTypes: undefined,
          maxConcurrentJobs: 20,
          quota: { cpu: '8', memory: '16Gi', pods: 20, jobs: 200 },
        },
      },
      config: { tracking: { reconcileIntervalSeconds: 2 } },
    });
  });

  afterAll(async () => {
    await env?.stop();
  });

  const get = (user: UserKey, path_: string) =>
    request(env.url)
      .get(`/api/tenant-jobs${path_}`)
      .set('Authorization', env.as(user));

  async function submitMany(
    user: UserKey,
    tenantId: string,
    types: Record<string, number>,
  ): Promise<TenantJobRun[]> {
    const runs: TenantJobRun[] = [];
    for (const [jobType, count] of Object.entries(types)) {
      for (let i = 0; i < count; i++) {
        const res = await request(env.url)
          .post('/api/tenant-jobs/runs')
          .set('Authorization', env.as(user))
          .send({ tenantId, jobType });
        expect({ status: res.status, error: res.body.error }).toEqual({
          status: 201,
          error: undefined,
        });
        runs.push(res.body);
      }
    }
    return runs;
  }

  async function finalStates(user: UserKey, runs: TenantJobRun[]) {
    const states = new Map<string, TenantJobRunDetail>();
    await waitFor(
      `${runs.length} runs to finish`,
      async () => {
        for (const run of runs) {
          if (states.has(run.id)) continue;
          const res = await get(user, `/runs/${run.id}`);
          if (res.status === 200 && FINAL.includes(res.body.status)) {
            states.set(run.id, res.body);
          }
        }
        return states.size === runs.length ? true : undefined;
      },
      300_000,
    );
    return runs.map(run => ({ type: run.jobType, ...states.get(run.id)! }));
  }

  function expectRightOutcomes(
    finished: Array<{ type: string; status: string; reason?: string }>,
  ) {
    expect(
      finished.map(({ type, status, reason }) => ({ type, status, reason })),
    ).toEqual(
      finished.map(({ type }) =>
        type === 'it-ok'
          ? { type, status: 'Succeeded', reason: 'Completed' }
          : { type, status: 'Failed', reason: 'BackoffLimitExceeded' },
      ),
    );
  }

  async function expectEveryJobTracked() {
    const ids = new Set<string>();
    for (const tenantId of [env.org.tenants.a, env.org.tenants.b]) {
      for (const job of await env.listJobs(tenantId)) {
        ids.add(job.metadata!.labels!['tenant-jobs.io/run-id']);
      }
    }
    const rows = await env.knex('tenant_jobs_runs').select('id');
    const recorded = new Set(rows.map(row => row.id));
    expect([...ids].filter(id => !recorded.has(id))).toEqual([]);
    expect(recorded.size).toBe(rows.length);
  }

  it('records every final state after the backend was killed with SIGKILL mid-run', async () => {
    const { a, b } = env.org.tenants;
    const runs = [
      ...(await submitMany('alice', a, { 'it-ok': 6, 'it-fail': 2 })),
      ...(await submitMany('bob', b, { 'it-ok': 4 })),
    ];
    await waitFor('some runs to be running', async () => {
      const res = await get('alice', `/runs?tenantId=${a}&status=Running`);
      return res.body.items?.length > 0 ? true : undefined;
    });

    await env.restart(async () => {
      // Killed: runs finish and Jobs change while nobody watches.
      await new Promise(resolve => setTimeout(resolve, 10_000));
    });

    expectRightOutcomes([
      ...(await finalStates('alice', runs.slice(0, 8))),
      ...(await finalStates('bob', runs.slice(8))),
    ]);
    const rows = await env.knex('tenant_jobs_runs').whereIn(
      'id',
      runs.map(r => r.id),
    );
    expect(rows).toHaveLength(runs.length);
    await expectEveryJobTracked();
  });

  it('records every final state through a kube-apiserver restart', async () => {
    const { a } = env.org.tenants;
    const runs = await submitMany('alice', a, { 'it-ok': 6, 'it-fail': 1 });
    await waitFor('some runs to be running', async () => {
      const res = await get('alice', `/runs?tenantId=${a}&status=Running`);
      return res.body.items?.length > 0 ? true : undefined;
    });

    const restart = spawnSync(
      path.join(REPO_ROOT, 'scripts/cluster/cluster.sh'),
      ['restart-apiserver'],
      { encoding: 'utf8', timeout: 120_000 },
    );
    expect(restart.status).toBe(0);

    expectRightOutcomes(await finalStates('alice', runs));
    // Still watching after the restart: a new run is tracked to its end.
    const [after] = await submitMany('alice', a, { 'it-ok': 1 });
    expectRightOutcomes(await finalStates('alice', [after]));
    await expectEveryJobTracked();
    expect(namespaceOf(a)).toBe(`tenant-${a}`);
  });
});
