/*
 * The Kueue switch in its multi-cluster mode, against two local clusters:
 * `local` (scripts/cluster's first) is a MultiKueue manager whose worker is
 * the second (`tenant-jobs-2`), both running Kueue v0.17 out of cluster
 * (`cluster.sh multikueue-up tenant-jobs-2`). The backend, with
 * `queue.mode: kueue` and `clusters[local].multiKueue.workers: [worker]`,
 * provisions the tenant on both clusters (the manager's ClusterQueue with
 * the MultiKueue AdmissionCheck), creates its runs' Jobs on the manager
 * managed by MultiKueue, which runs them on the worker; the run's status
 * follows the manager's Job, its pods, logs and events come from the
 * worker, its log is archived although Kueue deletes the worker's pods at
 * once, and a cancel removes the worker's copy.
 */
import { TestDatabases } from '@backstage/backend-test-utils';
import { CustomObjectsApi, V1Job } from '@kubernetes/client-node';
import {
  kueueClusterQueueName,
  TenantJobRun,
  TenantJobRunDetail,
} from '@tenant-jobs/plugin-tenant-jobs-common';
import request from 'supertest';
import {
  adminKubeConfig,
  FIRST_CLUSTER,
  namespaceOf,
  startTenantJobsTestBackend,
  TenantJobsTestEnv,
  testJobType,
  waitFor,
} from './__testUtils__/harness';
import { clusterScript } from './__testUtils__/clusterScript';

jest.setTimeout(900_000);

const databases = TestDatabases.create({ ids: ['SQLITE_3'] });

const FIRST_LOCAL = 'tenant-jobs';
const WORKER_LOCAL = 'tenant-jobs-2';
const WORKER = 'worker';
const CHECK = 'tenant-jobs-multikueue';
const KUEUE = { group: 'kueue.x-k8s.io', version: 'v1beta2' };
const FINAL = ['Succeeded', 'Failed', 'Cancelled'];

const TYPES = [
  testJobType('it-mk', { simulate: 'duration=8s' }),
  testJobType('it-mk-long', { simulate: 'duration=120s' }),
];

describe('Tenant Jobs with MultiKueue: a manager and a worker cluster', () => {
  let env: TenantJobsTestEnv;
  /** The clusters whose Kueue this suite started, to stop it again. */
  const kueueStartedHere: string[] = [];
  /** Whether MultiKueue was set up here (not by `make dev`, say). */
  let multiKueueSetUpHere = false;
  const transcript: string[] = [];
  const note = (line: string) => transcript.push(line);

  beforeAll(async () => {
    await clusterScript(['--name', WORKER_LOCAL, 'status']);
    for (const cluster of [FIRST_LOCAL, WORKER_LOCAL]) {
      try {
        await clusterScript(['--name', cluster, 'kueue-status']);
      } catch {
        kueueStartedHere.push(cluster);
      }
    }
    multiKueueSetUpHere = !(
      await clusterScript([
        'kubectl',
        'get',
        'admissionchecks',
        '--ignore-not-found',
        '-o',
        'name',
      ]).catch(() => '')
    ).includes(CHECK);
    note(
      (await clusterScript(['multikueue-up', WORKER_LOCAL]))
        .trim()
        .split('\n')
        .pop()!,
    );
    env = await startTenantJobsTestBackend({
      databases,
      jobTypes: TYPES,
      secondCluster: {
        localName: WORKER_LOCAL,
        name: WORKER,
        tenants: [],
        multiKueueWorker: true,
      },
      config: {
        queue: { mode: 'kueue' },
        tracking: { reconcileIntervalSeconds: 2 },
      },
    });
  });

  afterAll(async () => {
    process.stdout.write(
      `\n[multikueue] ${transcript.join('\n[multikueue] ')}\n`,
    );
    await env?.stop();
    // The tenant's ClusterQueues (namespaces go with the backend's stop):
    // Kueue keeps the AdmissionCheck while one uses it.
    for (const kc of [adminKubeConfig(), adminKubeConfig(WORKER_LOCAL)]) {
      await kc
        .makeApiClient(CustomObjectsApi)
        .deleteClusterCustomObject({
          ...KUEUE,
          plural: 'clusterqueues',
          name: kueueClusterQueueName(env?.org.tenants.a ?? ''),
        })
        .catch(() => undefined);
    }
    if (multiKueueSetUpHere) {
      await clusterScript(['multikueue-down']).catch(() => undefined);
    }
    for (const cluster of kueueStartedHere) {
      await clusterScript(['--name', cluster, 'kueue-down']).catch(
        () => undefined,
      );
    }
  });

  const get = (path_: string) =>
    request(env.url)
      .get(`/api/tenant-jobs${path_}`)
      .set('Authorization', env.as('alice'));

  async function launch(jobType: string): Promise<TenantJobRun> {
    const res = await request(env.url)
      .post('/api/tenant-jobs/runs')
      .set('Authorization', env.as('alice'))
      .send({ tenantId: env.org.tenants.a, jobType });
    expect({ status: res.status, error: res.body.error }).toEqual({
      status: 201,
      error: undefined,
    });
    return res.body;
  }

  async function detail(id: string): Promise<TenantJobRunDetail> {
    return (await get(`/runs/${id}`)).body;
  }

  async function readJob(cluster: string, name: string) {
    try {
      return await env.adminOf(cluster).batch.readNamespacedJob({
        name,
        namespace: namespaceOf(env.org.tenants.a),
      });
    } catch (error) {
      if ((error as { code?: number }).code === 404) return undefined;
      throw error;
    }
  }

  async function checksOf(kc: ReturnType<typeof adminKubeConfig>) {
    const queue = (await kc
      .makeApiClient(CustomObjectsApi)
      .getClusterCustomObject({
        ...KUEUE,
        plural: 'clusterqueues',
        name: kueueClusterQueueName(env.org.tenants.a),
      })) as {
      spec: {
        admissionChecksStrategy?: { admissionChecks: { name: string }[] };
      };
    };
    return (queue.spec.admissionChecksStrategy?.admissionChecks ?? []).map(
      check => check.name,
    );
  }

  it("runs a tenant's job on the worker, with its status, pods, logs and events", async () => {
    const { a } = env.org.tenants;
    const run = await launch('it-mk');
    expect(run.cluster).toBe(FIRST_CLUSTER);
    note(`launched run ${run.id} (Job ${run.jobName}) on '${run.cluster}'`);

    // Provisioned on both: the manager's queue dispatches, the worker's runs.
    expect(await checksOf(adminKubeConfig())).toEqual([CHECK]);
    expect(await checksOf(adminKubeConfig(WORKER_LOCAL))).toEqual([]);

    const manager = (await readJob(FIRST_CLUSTER, run.jobName)) as V1Job;
    expect(manager.spec?.managedBy).toBe('kueue.x-k8s.io/multikueue');

    // Running: the manager's Job status, with the worker's pod.
    const running = await waitFor('the run to be running', async () => {
      const now = await detail(run.id);
      return now.status === 'Running' ? now : undefined;
    });
    expect(running.pods.length).toBeGreaterThan(0);
    // Users see where it runs: the run's cluster, and its pod's worker.
    expect(running.cluster).toBe(FIRST_CLUSTER);
    expect(running.pods[0].cluster).toBe(WORKER);
    const podName = running.pods[0].name;
    const onWorker = await env.adminOf(WORKER).core.readNamespacedPod({
      name: podName,
      namespace: namespaceOf(a),
    });
    expect(onWorker.metadata?.labels?.['tenant-jobs.io/run-id']).toBe(run.id);
    note(
      `${running.status} (${running.reason}): pod ${podName} on the worker's node ${onWorker.spec?.nodeName}`,
    );

    const live = await get(`/runs/${run.id}/logs`);
    expect(live.status).toBe(200);
    expect(live.headers['tenant-jobs-log-source']).toBe('live');
    expect(live.text).toContain('tenant-jobs simulated container');

    const done = await waitFor(
      'the run to end',
      async () => {
        const now = await detail(run.id);
        return FINAL.includes(now.status) ? now : undefined;
      },
      120_000,
    );
    expect(done.status).toBe('Succeeded');
    const managerPods = await env.admin.core.listNamespacedPod({
      namespace: namespaceOf(a),
    });
    expect(managerPods.items).toEqual([]);
    note(
      `${done.status} (${done.reason}: ${done.message}); pods on the manager: ${managerPods.items.length}`,
    );

    // Kueue removed the worker's copy; the log was archived all the same.
    await waitFor('the worker copy to be gone', async () =>
      (await readJob(WORKER, run.jobName)) ? undefined : true,
    );
    const archived = await waitFor('the archived log', async () => {
      const now = await detail(run.id);
      if (!now.logsArchived) return undefined;
      const res = await get(`/runs/${run.id}/logs`);
      return res.headers['tenant-jobs-log-source'] === 'archive'
        ? res
        : undefined;
    });
    expect(archived.text).toContain('tenant-jobs simulated container: done');
    const events = await get(`/runs/${run.id}/events`);
    const reasons = (
      events.body.items as Array<{ reason: string; objectKind: string }>
    ).map(e => `${e.objectKind}/${e.reason}`);
    // The worker's scheduler placed the pod; the worker's Job controller made it.
    expect(reasons).toEqual(
      expect.arrayContaining(['Pod/Scheduled', 'Job/SuccessfulCreate']),
    );
    note(
      `archived log and events (${events.body.source}): ${reasons.join(', ')}`,
    );
  });

  it("cancels a run on the worker by deleting the manager's Job", async () => {
    const run = await launch('it-mk-long');
    await waitFor('the run to be running', async () =>
      (await detail(run.id)).status === 'Running' ? true : undefined,
    );
    expect(await readJob(WORKER, run.jobName)).toBeDefined();
    const cancel = await request(env.url)
      .post(`/api/tenant-jobs/runs/${run.id}/cancel`)
      .set('Authorization', env.as('alice'));
    expect(cancel.status).toBe(200);
    await waitFor('the run to be cancelled', async () =>
      (await detail(run.id)).status === 'Cancelled' ? true : undefined,
    );
    await waitFor("the worker's copy and pods to be gone", async () => {
      const pods = await env.adminOf(WORKER).core.listNamespacedPod({
        namespace: namespaceOf(env.org.tenants.a),
        labelSelector: `tenant-jobs.io/run-id=${run.id}`,
      });
      return !(await readJob(WORKER, run.jobName)) && pods.items.length === 0
        ? true
        : undefined;
    });
    note(`cancelled run ${run.id}: the worker's Job and pods are gone`);
  });
});
