/*
 * Over HTTP, against the local cluster: idempotent submission (sequential
 * and concurrent), dry runs judged by the real apiserver (quota included),
 * cancellation and retry. See __testUtils__/harness.ts for the setup.
 */
import { TestDatabases } from '@backstage/backend-test-utils';
import { TenantJobRun } from '@tenant-jobs/plugin-tenant-jobs-common';
import request from 'supertest';
import {
  LABELS,
  namespaceOf,
  startTenantJobsTestBackend,
  TenantJobsTestEnv,
  UserKey,
  validBody,
  waitFor,
} from './__testUtils__/harness';

jest.setTimeout(180_000);

const databases = TestDatabases.create({ ids: ['SQLITE_3'] });

describe('Tenant Jobs over HTTP: idempotency, dry runs, cancel and retry', () => {
  let env: TenantJobsTestEnv;
  let tenantA: string;

  beforeAll(async () => {
    env = await startTenantJobsTestBackend({ databases });
    tenantA = env.org.tenants.a;
  });

  afterAll(async () => {
    await env?.stop();
  });

  function submit(body: unknown, user: UserKey = 'alice') {
    return request(env.server)
      .post('/api/tenant-jobs/runs')
      .set('Authorization', env.as(user))
      .send(body as object);
  }

  async function runsWithKey(tenantId: string, key: string) {
    return env
      .knex('tenant_jobs_runs')
      .where({ tenant_id: tenantId, idempotency_key: key });
  }

  describe('idempotency', () => {
    it('the same key twice yields one run and one Job', async () => {
      const key = `it-${env.org.runTag}-twice`;
      const body = validBody(tenantA, 'data-etl', { idempotencyKey: key });
      const jobsBefore = await env.countJobs(tenantA);

      const first = await submit(body);
      expect(first.status).toBe(201);
      const second = await submit(body);
      expect(second.status).toBe(200);
      expect(second.body.id).toBe(first.body.id);
      expect(second.body.jobName).toBe(first.body.jobName);

      expect(
        await env.countJobs(tenantA, `${LABELS.runId}=${first.body.id}`),
      ).toBe(1);
      expect(await env.countJobs(tenantA)).toBe(jobsBefore + 1);
      expect(await runsWithKey(tenantA, key)).toHaveLength(1);
    });

    it('five concurrent submissions with one key yield one run and one Job', async () => {
      const key = `it-${env.org.runTag}-concurrent`;
      const body = validBody(tenantA, 'billing-report', {
        idempotencyKey: key,
      });
      const jobsBefore = await env.countJobs(tenantA);
      const runsBefore = await env.countRuns(tenantA);

      const responses = await Promise.all(
        Array.from({ length: 5 }, () => submit(body)),
      );

      for (const res of responses) {
        expect([200, 201]).toContain(res.status);
      }
      expect(responses.filter(r => r.status === 201)).toHaveLength(1);
      const ids = new Set(responses.map(r => r.body.id as string));
      expect(ids.size).toBe(1);
      const [runId] = [...ids];
      expect(await env.countJobs(tenantA, `${LABELS.runId}=${runId}`)).toBe(1);
      expect(await env.countJobs(tenantA)).toBe(jobsBefore + 1);
      expect(await env.countRuns(tenantA)).toBe(runsBefore + 1);
      expect(await runsWithKey(tenantA, key)).toHaveLength(1);
      // Afterwards the key still answers with that run.
      const again = await submit(body);
      expect(again.status).toBe(200);
      expect(again.body.id).toBe(runId);
      expect(again.body.status).toBe('Pending');
    });

    it('reusing a key for a different request is a 409 that names the run, and creates nothing', async () => {
      const key = `it-${env.org.runTag}-reused`;
      const first = await submit(
        validBody(tenantA, 'data-etl', { idempotencyKey: key }),
      );
      expect(first.status).toBe(201);
      const jobsBefore = await env.countJobs(tenantA);
      const runsBefore = await env.countRuns();

      for (const changed of [
        { tier: 'medium' },
        { priority: 'high' },
        {
          parameters: {
            source: 'events-db',
            destination: 'warehouse',
            mode: 'full',
          },
        },
      ]) {
        const res = await submit(
          validBody(tenantA, 'data-etl', { idempotencyKey: key, ...changed }),
        );
        expect(res.status).toBe(409);
        expect(res.body.error.message).toBe(
          `idempotencyKey: '${key}' was already used for a different request (run ${first.body.id})`,
        );
      }
      expect(await env.countJobs(tenantA)).toBe(jobsBefore);
      expect(await env.countRuns()).toBe(runsBefore);
    });

    it('keys are per tenant: another tenant may use the same key', async () => {
      const key = `it-${env.org.runTag}-shared`;
      const a = await submit(
        validBody(tenantA, 'data-etl', { idempotencyKey: key }),
      );
      const b = await submit(
        validBody(env.org.tenants.b, 'data-etl', {
          idempotencyKey: key,
          tier: 'small',
        }),
        'bob',
      );
      expect([a.status, b.status]).toEqual([201, 201]);
      expect(a.body.id).not.toBe(b.body.id);
      expect(b.body.namespace).toBe(namespaceOf(env.org.tenants.b));
    });
  });

  describe('dry runs', () => {
    it('returns the manifest with 200 and creates no Job and no run', async () => {
      const jobsBefore = await env.countJobs(tenantA);
      const runsBefore = await env.countRuns();

      const res = await submit(
        validBody(tenantA, 'security-scan', { dryRun: true, priority: 'low' }),
      );
      expect(res.status).toBe(200);
      expect(res.body).toMatchObject({
        dryRun: true,
        tenantId: tenantA,
        jobType: 'security-scan',
        tier: 'medium',
        priority: 'low',
        namespace: namespaceOf(tenantA),
      });
      const manifest = res.body.manifest;
      expect(manifest).toMatchObject({
        apiVersion: 'batch/v1',
        kind: 'Job',
        metadata: {
          name: res.body.jobName,
          namespace: namespaceOf(tenantA),
          labels: expect.objectContaining({
            [LABELS.tenant]: tenantA,
            [LABELS.type]: 'security-scan',
            [LABELS.priority]: 'low',
          }),
        },
        spec: {
          template: {
            spec: expect.objectContaining({
              priorityClassName: 'tenant-jobs-low',
            }),
          },
        },
      });
      expect(
        manifest.spec.template.spec.containers[0].securityContext,
      ).toMatchObject({
        allowPrivilegeEscalation: false,
        readOnlyRootFilesystem: true,
      });

      expect(await env.readJob(tenantA, res.body.jobName)).toBeUndefined();
      expect(await env.countJobs(tenantA)).toBe(jobsBefore);
      expect(await env.countRuns()).toBe(runsBefore);
      // The run id in the manifest was never recorded.
      const runId = manifest.metadata.labels[LABELS.runId];
      const read = await request(env.server)
        .get(`/api/tenant-jobs/runs/${runId}`)
        .set('Authorization', env.as('alice'));
      expect(read.status).toBe(404);
    });

    it("is refused with the apiserver's quota message when the namespace's quota is used up", async () => {
      // Tenant c's plan keeps one Job object (count/jobs.batch=1).
      const tenantC = env.org.tenants.c;
      const body = validBody(tenantC, 'billing-report', { tier: 'small' });
      const first = await submit(body, 'carol');
      expect(first.status).toBe(201);
      const runsBefore = await env.countRuns();

      const dryRun = await submit({ ...body, dryRun: true }, 'carol');
      expect(dryRun.status).toBe(409);
      expect(dryRun.body.error.message).toContain(
        'exceeded quota: tenant-jobs-quota, requested: count/jobs.batch=1, used: count/jobs.batch=1, limited: count/jobs.batch=1',
      );

      // A real submission is refused the same way, and leaves no run.
      const real = await submit(body, 'carol');
      expect(real.status).toBe(409);
      expect(real.body.error.message).toContain('exceeded quota');
      expect(await env.countJobs(tenantC)).toBe(1);
      expect(await env.countRuns()).toBe(runsBefore);
      const audit = await env
        .knex('tenant_jobs_audit')
        .where({ tenant_id: tenantC, outcome: 'refused' });
      expect(audit.map(r => JSON.parse(r.detail).error)).toEqual([
        expect.stringContaining('exceeded quota'),
        expect.stringContaining('exceeded quota'),
      ]);
    });
  });

  describe('cancel and retry', () => {
    let run: TenantJobRun;

    it('cancels a submitted run: 200 Cancelled, and its Job and pods are gone', async () => {
      const res = await submit(
        validBody(tenantA, 'data-etl', {
          parameters: {
            source: 'events-db',
            destination: 'warehouse',
            mode: 'full',
          },
        }),
      );
      expect(res.status).toBe(201);
      run = res.body;
      expect(await env.readJob(tenantA, run.jobName!)).toBeDefined();

      const cancel = await request(env.server)
        .post(`/api/tenant-jobs/runs/${run.id}/cancel`)
        .set('Authorization', env.as('alice'));
      expect(cancel.status).toBe(200);
      expect(cancel.body).toMatchObject({
        id: run.id,
        status: 'Cancelled',
        reason: 'CancelledByUser',
        message: `Cancelled by ${env.org.users.alice}`,
      });
      expect(Date.parse(cancel.body.finishedAt)).not.toBeNaN();

      await waitFor(`Job ${run.jobName} to be deleted`, async () =>
        (await env.readJob(tenantA, run.jobName!)) === undefined
          ? true
          : undefined,
      );
      await waitFor(`the pods of ${run.jobName} to be deleted`, async () => {
        const pods = await env.admin.core.listNamespacedPod({
          namespace: namespaceOf(tenantA),
          labelSelector: `${LABELS.runId}=${run.id}`,
        });
        return pods.items.length === 0;
      });

      const read = await request(env.server)
        .get(`/api/tenant-jobs/runs/${run.id}`)
        .set('Authorization', env.as('alice'));
      expect(read.body.status).toBe('Cancelled');
    });

    it('cancelling a finished run again is a 409 that says so', async () => {
      const again = await request(env.server)
        .post(`/api/tenant-jobs/runs/${run.id}/cancel`)
        .set('Authorization', env.as('alice'));
      expect(again.status).toBe(409);
      expect(again.body.error.message).toContain('is already Cancelled');
    });

    it('retrying a finished run submits it again under a new id', async () => {
      const retry = await request(env.server)
        .post(`/api/tenant-jobs/runs/${run.id}/retry`)
        .set('Authorization', env.as('alice'));
      expect(retry.status).toBe(201);
      expect(retry.body.id).not.toBe(run.id);
      expect(retry.body.jobName).not.toBe(run.jobName);
      expect(retry.body).toMatchObject({
        tenantId: tenantA,
        jobType: 'data-etl',
        tier: run.tier,
        priority: run.priority,
        parameters: run.parameters,
        status: 'Pending',
      });
      const jobs = await env.listJobs(
        tenantA,
        `${LABELS.runId}=${retry.body.id}`,
      );
      expect(jobs).toHaveLength(1);
      expect(jobs[0].metadata?.name).toBe(retry.body.jobName);

      // The retry is still active, so it cannot be retried itself yet.
      const early = await request(env.server)
        .post(`/api/tenant-jobs/runs/${retry.body.id}/retry`)
        .set('Authorization', env.as('alice'));
      expect(early.status).toBe(409);
      expect(early.body.error.message).toContain('is still Pending');
    });

    it('unknown run ids are 404 for read, cancel and retry', async () => {
      const missing = '00000000-0000-4000-8000-000000000000';
      for (const [method, path] of [
        ['get', `/api/tenant-jobs/runs/${missing}`],
        ['post', `/api/tenant-jobs/runs/${missing}/cancel`],
        ['post', `/api/tenant-jobs/runs/${missing}/retry`],
      ] as const) {
        const res = await request(env.server)
          [method](path)
          .set('Authorization', env.as('alice'));
        expect(res.status).toBe(404);
        expect(res.body.error.message).toContain(missing);
      }
    });
  });
});
