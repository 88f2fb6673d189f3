/*
 * Two local clusters side by side (scripts/cluster/cluster.sh --clusters 2
 * up): tenant a runs on `local`, tenant b is pinned to `second`. Each
 * tenant is provisioned, submitted, tracked, cancelled and archived in its
 * own cluster only. Then the second cluster's kube-apiserver is stopped in
 * the middle of b's runs: a's tenant goes on as before, b's gets 503s that
 * name `second`, and health names it; once it is started again every b run
 * reaches its final state, none lost and none duplicated.
 */
import { mockCredentials, TestDatabases } from '@backstage/backend-test-utils';
import {
  TenantJobRun,
  TenantJobRunDetail,
} from '@tenant-jobs/plugin-tenant-jobs-common';
import request from 'supertest';
import {
  FIRST_CLUSTER,
  namespaceOf,
  startTenantJobsTestBackend,
  TenantJobsTestEnv,
  testJobType,
  UserKey,
  waitFor,
} from './__testUtils__/harness';
import { clusterScript } from './__testUtils__/clusterScript';

jest.setTimeout(600_000);

const databases = TestDatabases.create({ ids: ['SQLITE_3'] });

/** The second local cluster, and the backend's name for it. */
const LOCAL_NAME = 'tenant-jobs-2';
const SECOND = 'second';

const TYPES = [
  testJobType('it-ok', { simulate: 'duration=3s' }),
  testJobType('it-long', { simulate: 'duration=25s' }),
];
const FINAL = ['Succeeded', 'Failed', 'Cancelled'];

/** cluster.sh on the second cluster. */
const onSecond = (command: string) =>
  clusterScript(['--name', LOCAL_NAME, command], 180_000);

describe('Tenant Jobs on two clusters', () => {
  let env: TenantJobsTestEnv;
  let apiserverStopped = false;

  beforeAll(async () => {
    env = await startTenantJobsTestBackend({
      databases,
      jobTypes: TYPES,
      secondCluster: { localName: LOCAL_NAME, name: SECOND, tenants: ['b'] },
      plans: {
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
    try {
      if (apiserverStopped) await onSecond('start-apiserver');
    } finally {
      await env?.stop();
    }
  });

  const get = (user: UserKey, path_: string) =>
    request(env.url)
      .get(`/api/tenant-jobs${path_}`)
      .set('Authorization', env.as(user));

  const submit = (user: UserKey, tenantId: string, jobType: string) =>
    request(env.url)
      .post('/api/tenant-jobs/runs')
      .set('Authorization', env.as(user))
      .send({ tenantId, jobType });

  async function launch(
    user: UserKey,
    tenantId: string,
    jobType: string,
  ): Promise<TenantJobRun> {
    const res = await submit(user, tenantId, jobType);
    expect({ status: res.status, error: res.body.error }).toEqual({
      status: 201,
      error: undefined,
    });
    return res.body;
  }

  async function finalState(
    user: UserKey,
    id: string,
  ): Promise<TenantJobRunDetail> {
    return waitFor(
      `run ${id} to end`,
      async () => {
        const res = await get(user, `/runs/${id}`);
        return FINAL.includes(res.body.status) ? res.body : undefined;
      },
      180_000,
    );
  }

  /** Run ids of the Jobs in a tenant's namespace of one cluster. */
  async function runIdsOfJobs(cluster: string, tenantId: string) {
    try {
      const jobs = await env.adminOf(cluster).batch.listNamespacedJob({
        namespace: namespaceOf(tenantId),
      });
      return jobs.items.map(
        job => job.metadata?.labels?.['tenant-jobs.io/run-id'],
      );
    } catch (error) {
      if ((error as { code?: number }).code === 404) return [];
      throw error;
    }
  }

  async function namespaceExists(cluster: string, tenantId: string) {
    try {
      await env
        .adminOf(cluster)
        .core.readNamespace({ name: namespaceOf(tenantId) });
      return true;
    } catch (error) {
      if ((error as { code?: number }).code === 404) return false;
      throw error;
    }
  }

  it('keeps each tenant in its own cluster: provisioning, runs, cancel and archive', async () => {
    const { a, b } = env.org.tenants;
    expect(env.clusterOf(a)).toBe(FIRST_CLUSTER);
    expect(env.clusterOf(b)).toBe(SECOND);

    const runA = await launch('alice', a, 'it-ok');
    const runB = await launch('bob', b, 'it-ok');
    expect(runA.cluster).toBe(FIRST_CLUSTER);
    expect(runB.cluster).toBe(SECOND);

    // Provisioned where each runs, and nowhere else.
    expect(await namespaceExists(FIRST_CLUSTER, a)).toBe(true);
    expect(await namespaceExists(SECOND, b)).toBe(true);
    expect(await namespaceExists(SECOND, a)).toBe(false);
    expect(await namespaceExists(FIRST_CLUSTER, b)).toBe(false);
    expect(await runIdsOfJobs(FIRST_CLUSTER, a)).toEqual([runA.id]);
    expect(await runIdsOfJobs(SECOND, b)).toEqual([runB.id]);

    // Tracked from each cluster's own watches to the end.
    const [endA, endB] = await Promise.all([
      finalState('alice', runA.id),
      finalState('bob', runB.id),
    ]);
    expect([endA.status, endB.status]).toEqual(['Succeeded', 'Succeeded']);
    expect(endB.cluster).toBe(SECOND);

    // The pod's log and events come from the cluster the run is on (live,
    // or archived from there once the run ended a few seconds ago).
    const logs = await get('bob', `/runs/${runB.id}/logs`);
    expect(logs.status).toBe(200);
    expect(['live', 'archive']).toContain(
      logs.headers['tenant-jobs-log-source'],
    );
    expect(logs.text).toContain('tenant-jobs simulated container: done');
    const events = await get('bob', `/runs/${runB.id}/events`);
    expect(events.status).toBe(200);
    expect(events.body.items.length).toBeGreaterThan(0);

    // A cancel deletes the Job in the run's cluster.
    const longB = await launch('bob', b, 'it-long');
    await waitFor('b long run to start', async () => {
      const res = await get('bob', `/runs/${longB.id}`);
      return res.body.status === 'Running' ? true : undefined;
    });
    const cancel = await request(env.url)
      .post(`/api/tenant-jobs/runs/${longB.id}/cancel`)
      .set('Authorization', env.as('bob'));
    expect(cancel.status).toBe(200);
    expect((await finalState('bob', longB.id)).status).toBe('Cancelled');
    await waitFor('the cancelled Job to be gone from second', async () =>
      (await runIdsOfJobs(SECOND, b)).includes(longB.id) ? undefined : true,
    );

    // Archived: the log stays readable once the Job is deleted.
    await waitFor('the log to be archived', async () => {
      const res = await get('bob', `/runs/${runB.id}`);
      return res.body.logsArchived ? true : undefined;
    });
    await env.adminOf(SECOND).batch.deleteNamespacedJob({
      namespace: namespaceOf(b),
      name: endB.jobName,
      propagationPolicy: 'Foreground',
    });
    await waitFor('the Job to be gone from second', async () =>
      (await runIdsOfJobs(SECOND, b)).includes(runB.id) ? undefined : true,
    );
    const archived = await get('bob', `/runs/${runB.id}/logs`);
    expect(archived.status).toBe(200);
    expect(archived.headers['tenant-jobs-log-source']).toBe('archive');
    expect(archived.text).toContain('tenant-jobs simulated container: done');
    expect((await get('bob', `/runs/${runB.id}`)).body.status).toBe(
      'Succeeded',
    );
  });

  it("survives the second cluster's outage: only its tenant is affected, and its runs catch up", async () => {
    const { a, b } = env.org.tenants;
    const before = await Promise.all(
      Array.from({ length: 4 }, () => launch('bob', b, 'it-long')),
    );
    const shortB = await launch('bob', b, 'it-ok');
    await waitFor("b's runs to be running", async () => {
      const res = await get('bob', `/runs?tenantId=${b}&status=Running`);
      return res.body.items?.length >= before.length ? true : undefined;
    });

    await onSecond('stop-apiserver');
    apiserverStopped = true;

    // b's tenant: submissions refused with a 503 naming the cluster.
    const refused = await waitFor('a 503 for b', async () => {
      const res = await submit('bob', b, 'it-ok');
      return res.status === 503 ? res : undefined;
    });
    expect(refused.body.error.message).toMatch(
      /^Cluster 'second' is unavailable/,
    );
    // ... but its runs stay readable from the database.
    const known = await get('bob', `/runs/${before[0].id}`);
    expect(known.status).toBe(200);
    expect(known.body.cluster).toBe(SECOND);

    // Health names it, for the platform team and other plugins.
    const health = await waitFor('health to name second', async () => {
      const res = await request(env.url)
        .get('/api/tenant-jobs/health')
        .set('Authorization', mockCredentials.service.header());
      return res.status === 503 && res.body.message?.includes(SECOND)
        ? res.body
        : undefined;
    });
    const reports = health.clusters as Array<{
      cluster: string;
      reachable: boolean;
    }>;
    expect(reports.find(c => c.cluster === SECOND)?.reachable).toBe(false);
    expect(reports.find(c => c.cluster === FIRST_CLUSTER)?.reachable).toBe(
      true,
    );

    // Members learn it from their tenants (the portal's banner), each of
    // their own cluster only.
    const bobs = await get('bob', '/tenants');
    expect(bobs.body.items).toEqual([
      expect.objectContaining({
        id: b,
        cluster: SECOND,
        clusterState: expect.objectContaining({ reachable: false }),
      }),
    ]);
    const alices = await get('alice', '/tenants');
    expect(alices.body.items).toEqual([
      expect.objectContaining({
        id: a,
        cluster: FIRST_CLUSTER,
        clusterState: expect.objectContaining({ reachable: true }),
      }),
    ]);

    // a's tenant: submits and finishes as if nothing happened.
    const runA = await launch('alice', a, 'it-ok');
    expect((await finalState('alice', runA.id)).status).toBe('Succeeded');

    await onSecond('start-apiserver');
    apiserverStopped = false;

    // Every b run reaches its final state, none lost, none duplicated.
    const ends = await Promise.all(
      [...before, shortB].map(run => finalState('bob', run.id)),
    );
    expect(ends.map(run => run.status)).toEqual(ends.map(() => 'Succeeded'));
    const afterRun = await launch('bob', b, 'it-ok');
    expect((await finalState('bob', afterRun.id)).status).toBe('Succeeded');

    const listed = await get('bob', `/runs?tenantId=${b}&limit=100`);
    const ids = (listed.body.items as TenantJobRun[]).map(run => run.id);
    expect(new Set(ids).size).toBe(ids.length);
    for (const run of [...before, shortB, afterRun]) {
      expect(ids.filter(id => id === run.id)).toHaveLength(1);
    }
    // No Job without its run, and one Job per run in the cluster.
    const jobRunIds = await runIdsOfJobs(SECOND, b);
    expect(new Set(jobRunIds).size).toBe(jobRunIds.length);
    for (const id of jobRunIds) expect(ids).toContain(id);
    expect(await env.countRuns(b)).toBe(ids.length);
    // The first cluster never saw a Job of b's.
    expect(await runIdsOfJobs(FIRST_CLUSTER, b)).toEqual([]);

    const healthy = await waitFor('health to be ok again', async () => {
      const res = await request(env.url).get('/api/tenant-jobs/health');
      return res.status === 200 ? res.body : undefined;
    });
    expect(healthy.status).toBe('ok');
  });
});
