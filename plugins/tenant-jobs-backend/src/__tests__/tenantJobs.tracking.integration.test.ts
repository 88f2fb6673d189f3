/*
 * Tracking over HTTP, against the local cluster: 50 runs with mixed
 * outcomes across three tenants reach the right final state and reason
 * through the watch alone; a finished Job deleted from the cluster keeps its
 * state; logs and events are served live and from the archive, and a
 * followed log ends when its pod does; another
 * tenant sees none of it; concurrent submissions respect the plan's limit;
 * and a backend that was down catches up with what happened meanwhile.
 */
import { TestDatabases } from '@backstage/backend-test-utils';
import {
  TenantJobRun,
  TenantJobRunDetail,
} from '@tenant-jobs/plugin-tenant-jobs-common';
import request from 'supertest';
import {
  namespaceOf,
  startTenantJobsTestBackend,
  TenantJobsTestEnv,
  UserKey,
  waitFor,
  testJobType,
} from './__testUtils__/harness';

jest.setTimeout(600_000);

const databases = TestDatabases.create({ ids: ['SQLITE_3'] });

const TYPES = [
  testJobType('it-ok', { simulate: 'duration=2s' }),
  testJobType('it-fail', { simulate: 'fail=1,duration=1s', retries: 1 }),
  testJobType('it-fatal', { simulate: 'fail=42,duration=1s', retries: 3 }),
  testJobType('it-slow', {
    simulate: 'duration=10m',
    defaultDeadlineSeconds: 4,
  }),
  testJobType('it-long', { simulate: 'duration=10m' }),
  testJobType('it-nowhere', {
    nodeSelector: { 'tenant-jobs.io/node-class': 'nowhere' },
  }),
];

type Expected = {
  status: string;
  reason: string;
  attempts?: number;
  exitCode?: number;
};

const EXPECTED: Record<string, Expected> = {
  'it-ok': {
    status: 'Succeeded',
    reason: 'Completed',
    attempts: 1,
    exitCode: 0,
  },
  'it-fail': { status: 'Failed', reason: 'BackoffLimitExceeded', attempts: 2 },
  'it-fatal': {
    status: 'Failed',
    reason: 'PodFailurePolicy',
    attempts: 1,
    exitCode: 42,
  },
  'it-slow': { status: 'Failed', reason: 'DeadlineExceeded' },
  'it-long': { status: 'Cancelled', reason: 'CancelledByUser' },
  'it-nowhere': { status: 'Cancelled', reason: 'CancelledByUser' },
};

describe('Tenant Jobs over HTTP: tracking, history, logs and events', () => {
  let env: TenantJobsTestEnv;

  beforeAll(async () => {
    env = await startTenantJobsTestBackend({
      databases,
      jobTypes: TYPES,
      plans: {
        gold: { quota: { cpu: '48', memory: '96Gi', pods: 60, jobs: 200 } },
        basic: {
          allowedJobTypes: undefined,
          maxConcurrentJobs: 20,
          quota: { cpu: '8', memory: '16Gi', pods: 20, jobs: 200 },
        },
        // One pod at a time: a second run waits on the quota.
        oneJob: {
          maxConcurrentJobs: 2,
          quota: { cpu: '1', memory: '2Gi', pods: 1, jobs: 50 },
        },
      },
      config: { tracking: { reconcileIntervalSeconds: 2 } },
    });
  });

  afterAll(async () => {
    await env?.stop();
  });

  const api = (user: UserKey) => ({
    get: (path: string) =>
      request(env.server)
        .get(`/api/tenant-jobs${path}`)
        .set('Authorization', env.as(user)),
    post: (path: string, body?: object) =>
      request(env.server)
        .post(`/api/tenant-jobs${path}`)
        .set('Authorization', env.as(user))
        .send(body),
  });

  async function submit(user: UserKey, tenantId: string, jobType: string) {
    const res = await api(user).post('/runs', { tenantId, jobType });
    expect(res.status).toBe(201);
    return res.body as TenantJobRun;
  }

  async function detail(user: UserKey, id: string) {
    const res = await api(user).get(`/runs/${id}`);
    expect(res.status).toBe(200);
    return res.body as TenantJobRunDetail;
  }

  function waitForRun(
    user: UserKey,
    id: string,
    accept: (run: TenantJobRunDetail) => boolean,
    what: string,
    timeoutMs = 120_000,
  ) {
    return waitFor(
      `run ${id} to be ${what}`,
      async () => {
        const run = await detail(user, id);
        return accept(run) ? run : undefined;
      },
      timeoutMs,
    );
  }

  const runs: Array<{ user: UserKey; run: TenantJobRun }> = [];

  it('records 50 runs across three tenants with the right final state and reason', async () => {
    const { a, b, c } = env.org.tenants;
    const plan: Array<[UserKey, string, string, number]> = [
      ['alice', a, 'it-ok', 20],
      ['alice', a, 'it-fail', 5],
      ['alice', a, 'it-fatal', 3],
      ['alice', a, 'it-slow', 3],
      ['alice', a, 'it-long', 3],
      ['alice', a, 'it-nowhere', 2],
      ['bob', b, 'it-ok', 10],
      ['bob', b, 'it-fail', 2],
      ['carol', c, 'it-long', 1],
    ];
    for (const [user, tenantId, type, count] of plan) {
      for (let i = 0; i < count; i++) {
        runs.push({ user, run: await submit(user, tenantId, type) });
      }
    }
    // Tenant c's second run gets no pod while the first holds its quota.
    const blocker = runs[runs.length - 1].run;
    await waitForRun(
      'carol',
      blocker.id,
      r => r.status === 'Running',
      'Running',
    );
    const waiting = await submit('carol', c, 'it-ok');
    runs.push({ user: 'carol', run: waiting });
    expect(runs).toHaveLength(50);

    const quota = await waitForRun(
      'carol',
      waiting.id,
      r => r.reason === 'QuotaExceeded',
      'explained as over quota',
      60_000,
    );
    expect(quota.status).toBe('Pending');
    expect(quota.message).toMatch(/quota/i);

    // Unschedulable runs say why, in the scheduler's words.
    for (const { run } of runs.filter(r => r.run.jobType === 'it-nowhere')) {
      const pending = await waitForRun(
        'alice',
        run.id,
        r => r.reason === 'Unschedulable',
        'Unschedulable',
      );
      expect(pending.status).toBe('Pending');
      expect(pending.message).toMatch(/node/i);
      expect(pending.pods[0]).toMatchObject({ phase: 'Pending' });
      const events = await api('alice').get(`/runs/${run.id}/events`);
      expect(events.status).toBe(200);
      expect(events.body.source).toBe('live');
      expect(
        events.body.items.some(
          (e: { reason: string; objectKind: string }) =>
            e.reason === 'FailedScheduling' && e.objectKind === 'Pod',
        ),
      ).toBe(true);
    }

    // Long and unschedulable runs are cancelled once they are under way.
    for (const { user, run } of runs.filter(r =>
      ['it-long', 'it-nowhere'].includes(r.run.jobType),
    )) {
      if (run.jobType === 'it-long') {
        await waitForRun(user, run.id, r => r.status === 'Running', 'Running');
      }
      const res = await api(user).post(`/runs/${run.id}/cancel`);
      expect(res.status).toBe(200);
    }

    for (const { user, run } of runs) {
      const expected = EXPECTED[run.jobType];
      const final = await waitForRun(
        user,
        run.id,
        r => ['Succeeded', 'Failed', 'Cancelled'].includes(r.status),
        'finished',
        240_000,
      );
      const succeeded = final.status === 'Succeeded';
      expect({
        type: run.jobType,
        status: final.status,
        reason: final.reason,
        attempts: expected.attempts ?? final.attempts,
        timed: succeeded
          ? Boolean(final.startedAt && final.finishedAt) &&
            (final.durationSeconds ?? 0) > 0
          : true,
        exitCode: final.pods[0]?.exitCode,
      }).toEqual({
        type: run.jobType,
        status: expected.status,
        reason: expected.reason,
        attempts: final.attempts,
        timed: true,
        exitCode: expected.exitCode ?? final.pods[0]?.exitCode,
      });
    }
    // No Job is left without a run, and no run twice.
    const ids = runs.map(r => r.run.id);
    expect(new Set(ids).size).toBe(50);
    const rows = await env.knex('tenant_jobs_runs').whereIn('id', ids);
    expect(rows).toHaveLength(50);
  });

  it('keeps the final state, logs and events of a finished run after its Job is deleted', async () => {
    const { run } = runs.find(r => r.run.jobType === 'it-ok')!;
    const finished = await waitForRun(
      'alice',
      run.id,
      r => r.logsArchived,
      'archived',
    );
    const live = await api('alice').get(`/runs/${run.id}/logs`);
    expect(live.status).toBe(200);
    expect(live.text).toContain('tenant-jobs simulated container: done');

    await env.admin.batch.deleteNamespacedJob({
      namespace: namespaceOf(run.tenantId),
      name: run.jobName,
      propagationPolicy: 'Foreground',
    });
    await waitFor('the Job and its pods to be gone', async () => {
      const pods = await env.admin.core.listNamespacedPod({
        namespace: namespaceOf(run.tenantId),
        labelSelector: `tenant-jobs.io/run-id=${run.id}`,
      });
      return !(await env.readJob(run.tenantId, run.jobName)) &&
        pods.items.length === 0
        ? true
        : undefined;
    });
    // Give the tracker and a reconcile pass the chance to get it wrong.
    await new Promise(resolve => setTimeout(resolve, 5_000));
    const after = await detail('alice', run.id);
    expect(after).toMatchObject({
      status: 'Succeeded',
      reason: 'Completed',
      finishedAt: finished.finishedAt,
    });

    const archived = await api('alice').get(`/runs/${run.id}/logs`);
    expect(archived.status).toBe(200);
    expect(archived.headers['tenant-jobs-log-source']).toBe('archive');
    expect(archived.text).toContain('tenant-jobs simulated container: done');
    const events = await api('alice').get(`/runs/${run.id}/events`);
    expect(events.body.source).toBe('archive');
    expect(events.body.items.map((e: { reason: string }) => e.reason)).toEqual(
      expect.arrayContaining(['SuccessfulCreate', 'Scheduled']),
    );
  });

  it('lists runs by filters with cursor pages, and sums them up in stats', async () => {
    const { a } = env.org.tenants;
    const seen: string[] = [];
    let cursor: string | undefined;
    do {
      const res = await api('alice').get(
        `/runs?tenantId=${a}&limit=7${cursor ? `&cursor=${cursor}` : ''}`,
      );
      expect(res.status).toBe(200);
      seen.push(...res.body.items.map((r: TenantJobRun) => r.id));
      cursor = res.body.nextCursor;
    } while (cursor);
    const mine = runs.filter(r => r.run.tenantId === a).map(r => r.run.id);
    expect(seen.sort()).toEqual([...mine].sort());

    const failed = await api('alice').get(`/runs?status=Failed&type=it-fail`);
    expect(failed.body.items).toHaveLength(5);

    const bad = await api('alice').get('/runs?status=Done&color=red');
    expect(bad.status).toBe(400);
    expect(bad.body.error.message).toContain('color');

    const stats = await api('alice').get(`/stats?tenantId=${a}`);
    expect(stats.status).toBe(200);
    const ok = stats.body.items.find(
      (s: { jobType: string }) => s.jobType === 'it-ok',
    );
    expect(ok).toMatchObject({
      tenantId: a,
      total: 20,
      succeeded: 20,
      failed: 0,
      successRate: 1,
    });
    expect(ok.durationP50Seconds).toBeGreaterThan(0);
    expect(ok.durationP95Seconds).toBeGreaterThanOrEqual(ok.durationP50Seconds);
  });

  it("never shows one tenant's runs, stats, logs or events to another", async () => {
    const { a, b } = env.org.tenants;
    const list = await api('bob').get('/runs?limit=200');
    expect(list.status).toBe(200);
    expect(list.body.items.length).toBe(12);
    expect(list.body.items.every((r: TenantJobRun) => r.tenantId === b)).toBe(
      true,
    );
    const asked = await api('bob').get(`/runs?tenantId=${a}`);
    expect(asked.body.items).toEqual([]);
    const stats = await api('bob').get('/stats');
    expect(
      stats.body.items.every((s: { tenantId: string }) => s.tenantId === b),
    ).toBe(true);
    const outsider = await api('mallory').get('/runs');
    expect(outsider.body.items).toEqual([]);

    const { run } = runs.find(r => r.run.tenantId === a)!;
    const unknownId = '00000000-0000-4000-8000-000000000000';
    for (const suffix of ['', '/logs', '/events']) {
      const theirs = await api('bob').get(`/runs/${run.id}${suffix}`);
      const none = await api('bob').get(`/runs/${unknownId}${suffix}`);
      expect(theirs.status).toBe(404);
      expect(none.status).toBe(404);
      expect(theirs.body.error.message).toBe(
        none.body.error.message.replace(unknownId, run.id),
      );
    }
  });

  it('releases at most the plan limit of concurrent submissions with distinct keys; the rest wait', async () => {
    const { c } = env.org.tenants;
    const responses = await Promise.all(
      Array.from({ length: 10 }, (_, i) =>
        api('carol').post('/runs', {
          tenantId: c,
          jobType: 'it-long',
          idempotencyKey: `limit-${env.org.runTag}-${i}`,
        }),
      ),
    );
    expect(responses.map(r => r.status)).toEqual(responses.map(() => 201));
    const released = responses.filter(r => r.body.releasedAt);
    expect(released).toHaveLength(2);
    const waiting = responses.filter(r => !r.body.releasedAt);
    expect(waiting.map(r => r.body.reason)).toEqual(
      waiting.map(() => 'WaitingForSlot'),
    );
    const holding = await env
      .knex('tenant_jobs_runs')
      .where({ tenant_id: c })
      .whereIn('status', ['Queued', 'Pending', 'Running'])
      .whereNotNull('released_at');
    expect(holding).toHaveLength(2);
    // Cancel the waiting ones first, so none is released meanwhile.
    for (const res of [...waiting, ...released]) {
      expect(
        (await api('carol').post(`/runs/${res.body.id}/cancel`)).status,
      ).toBe(200);
    }
    await waitFor('the cancelled Jobs to be gone', async () =>
      (
        await Promise.all(
          responses.map(res => env.readJob(c, res.body.jobName)),
        )
      ).every(job => !job),
    );
  });

  it('catches up after the backend was down: finished, deleted and unrecorded Jobs', async () => {
    const { b } = env.org.tenants;
    const running = await submit('bob', b, 'it-ok');
    const lost = await submit('bob', b, 'it-long');
    let orphan = '';
    await waitForRun('bob', lost.id, r => r.status === 'Running', 'Running');

    await env.restart(async () => {
      // While no backend watches: one Job finishes, one is deleted before
      // it finished, and one appears that no run recorded.
      await env.admin.batch.deleteNamespacedJob({
        namespace: namespaceOf(b),
        name: lost.jobName,
        propagationPolicy: 'Background',
      });
      const template = await env.readJob(b, running.jobName);
      const orphanRunId = `orphan-${env.org.runTag}`;
      const labels = {
        ...template!.metadata!.labels,
        'tenant-jobs.io/run-id': orphanRunId,
      };
      await env.admin.batch.createNamespacedJob({
        namespace: namespaceOf(b),
        body: {
          metadata: { name: `orphan-${env.org.runTag}`, labels },
          spec: {
            ...template!.spec,
            selector: undefined,
            template: {
              ...template!.spec!.template,
              metadata: {
                ...template!.spec!.template.metadata,
                labels: {
                  ...labels,
                  'batch.kubernetes.io/controller-uid': undefined,
                  'batch.kubernetes.io/job-name': undefined,
                  'controller-uid': undefined,
                  'job-name': undefined,
                } as unknown as Record<string, string>,
              },
            },
          },
        },
      });
      orphan = orphanRunId;
      await new Promise(resolve => setTimeout(resolve, 4_000));
    });

    const done = await waitForRun(
      'bob',
      running.id,
      r => r.status === 'Succeeded',
      'Succeeded after the restart',
    );
    expect(done.reason).toBe('Completed');
    const gone = await waitForRun(
      'bob',
      lost.id,
      r => r.status === 'Failed',
      'Failed after the restart',
    );
    expect(gone.reason).toBe('Lost');
    expect(gone.message).toMatch(/before it finished/);
    const adopted = await waitForRun(
      'bob',
      orphan,
      r => r.status === 'Succeeded',
      'adopted and Succeeded',
    );
    expect(adopted).toMatchObject({ tenantId: b, jobType: 'it-ok' });
  });

  it('ends a followed log once its pod has ended', async () => {
    // The local cluster's kubelet (KWOK) keeps a followed log open after the
    // container exits; the plugin ends it once the tracker sees the pod end.
    const run = await submit('alice', env.org.tenants.a, 'it-ok');
    await waitForRun(
      'alice',
      run.id,
      r => r.pods.some(pod => pod.phase === 'Running'),
      'running',
    );
    const followed = await api('alice')
      .get(`/runs/${run.id}/logs?follow=true`)
      .timeout({ response: 60_000, deadline: 60_000 });
    expect(followed.status).toBe(200);
    expect(followed.headers['tenant-jobs-log-source']).toBe('live');
    expect(followed.text).toContain('tenant-jobs simulated container: done');
    const final = await detail('alice', run.id);
    expect(final.pods.map(pod => pod.phase)).toEqual(['Succeeded']);
  });
});
