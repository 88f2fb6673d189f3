/*
 * Over HTTP, against the local cluster, as the least-privilege backend:
 * tenant members launch every built-in job type and get hardened Jobs in an
 * isolated namespace; anyone else gets 401/403 and creates nothing; both
 * leave an audit trail. See __testUtils__/harness.ts for the setup.
 */
import { TestDatabases } from '@backstage/backend-test-utils';
import {
  BUILT_IN_JOB_TYPE_IDS,
  BUILT_IN_JOB_TYPES,
  defaultParameterEnvName,
  TenantJobRun,
} from '@tenant-jobs/plugin-tenant-jobs-common';
import request from 'supertest';
import {
  LABELS,
  namespaceOf,
  PLANS,
  requiredParameters,
  startTenantJobsTestBackend,
  TenantJobsTestEnv,
  UserKey,
  validBody,
  waitFor,
} from './__testUtils__/harness';

jest.setTimeout(180_000);

const databases = TestDatabases.create({ ids: ['SQLITE_3'] });

/** The tiers of DESIGN.md: cpu and memory, requests equal to limits. */
const TIER_RESOURCES: Record<string, { cpu: string; memory: string }> = {
  micro: { cpu: '100m', memory: '128Mi' },
  small: { cpu: '250m', memory: '512Mi' },
  medium: { cpu: '500m', memory: '1Gi' },
  large: { cpu: '2', memory: '4Gi' },
  xlarge: { cpu: '8', memory: '16Gi' },
  enterprise: { cpu: '16', memory: '32Gi' },
};

/** One priority per type, so every PriorityClass is used once. */
const PRIORITY_OF: Record<string, string> = {
  'ml-training': 'high',
  'data-etl': 'normal',
  'tenant-backup': 'batch',
  'security-scan': 'low',
  'billing-report': 'critical',
};

type ApiJobType = {
  id: string;
  defaultTier: string;
  defaultDeadlineSeconds: number;
  retries: number;
  gpu: boolean;
  parameterSchema: {
    properties: Record<string, { default?: unknown }>;
    required?: string[];
  };
};

describe('Tenant Jobs over HTTP: submitting, isolation and audit', () => {
  let env: TenantJobsTestEnv;
  let tenantA: string;
  const submitted = new Map<string, TenantJobRun>();

  beforeAll(async () => {
    env = await startTenantJobsTestBackend({ databases });
    tenantA = env.org.tenants.a;
  });

  afterAll(async () => {
    await env?.stop();
  });

  it('lists the five built-in job types to signed-in users', async () => {
    const res = await request(env.server)
      .get('/api/tenant-jobs/job-types')
      .set('Authorization', env.as('alice'));
    expect(res.status).toBe(200);
    expect((res.body.items as ApiJobType[]).map(t => t.id).sort()).toEqual(
      [...BUILT_IN_JOB_TYPE_IDS].sort(),
    );
  });

  describe.each(BUILT_IN_JOB_TYPE_IDS.map(id => [id]))('job type %s', id => {
    it('a tenant member gets 201 and a hardened Job in the tenant namespace', async () => {
      const types = await request(env.server)
        .get('/api/tenant-jobs/job-types')
        .set('Authorization', env.as('alice'));
      const type = (types.body.items as ApiJobType[]).find(t => t.id === id)!;
      expect(type).toBeDefined();
      const priority = PRIORITY_OF[id];
      const parameters = requiredParameters(BUILT_IN_JOB_TYPES[id]);

      const res = await request(env.server)
        .post('/api/tenant-jobs/runs')
        .set('Authorization', env.as('alice'))
        .send({ tenantId: tenantA, jobType: id, priority, parameters });
      expect(res.status).toBe(201);
      const run = res.body as TenantJobRun;
      expect(run).toMatchObject({
        tenantId: tenantA,
        jobType: id,
        tier: type.defaultTier,
        priority,
        status: 'Pending',
        cluster: 'local',
        namespace: namespaceOf(tenantA),
        submittedBy: env.org.users.alice,
        parameters,
        dryRun: false,
      });
      expect(run.id).toMatch(/^[0-9a-f-]{36}$/);
      expect(run.jobName).toMatch(
        new RegExp(`^${id}-${tenantA}-\\d{8}-\\d{6}-[a-z0-9]{5}$`),
      );
      submitted.set(id, run);

      // What the cluster holds, read as admin.
      const job = await env.readJob(tenantA, run.jobName!);
      expect(job).toBeDefined();
      expect(job!.metadata?.uid).toBe(run.uid);
      const labels = {
        [LABELS.managedBy]: 'tenant-jobs',
        [LABELS.tenant]: tenantA,
        [LABELS.type]: id,
        [LABELS.priority]: priority,
        [LABELS.runId]: run.id,
      };
      expect(job!.metadata?.labels).toMatchObject(labels);
      expect(job!.spec?.template.metadata?.labels).toMatchObject(labels);

      const spec = job!.spec!;
      expect(spec.activeDeadlineSeconds).toBe(type.defaultDeadlineSeconds);
      expect(spec.backoffLimit).toBe(type.retries);
      expect(spec.ttlSecondsAfterFinished).toBe(86_400);
      expect(spec.podFailurePolicy?.rules).toEqual(
        expect.arrayContaining([
          expect.objectContaining({
            action: 'Ignore',
            onPodConditions: [
              expect.objectContaining({ type: 'DisruptionTarget' }),
            ],
          }),
          expect.objectContaining({
            action: 'FailJob',
            onExitCodes: expect.objectContaining({
              operator: 'In',
              values: [42],
            }),
          }),
        ]),
      );

      const pod = spec.template.spec!;
      expect(pod.priorityClassName).toBe(`tenant-jobs-${priority}`);
      expect(pod.restartPolicy).toBe('Never');
      expect(pod.automountServiceAccountToken).toBe(false);
      expect(pod.serviceAccountName).toBe('tenant-jobs-runner');
      expect(pod.securityContext).toMatchObject({
        runAsNonRoot: true,
        seccompProfile: { type: 'RuntimeDefault' },
      });
      expect(pod.securityContext?.runAsUser).toBeGreaterThan(0);
      expect(pod.containers).toHaveLength(1);
      const container = pod.containers[0];
      expect(container.securityContext).toMatchObject({
        runAsNonRoot: true,
        allowPrivilegeEscalation: false,
        readOnlyRootFilesystem: true,
        capabilities: { drop: ['ALL'] },
        seccompProfile: { type: 'RuntimeDefault' },
      });
      expect(container.securityContext?.privileged ?? false).toBe(false);
      expect(container.securityContext?.capabilities?.add ?? []).toEqual([]);
      // The read-only root needs a writable /tmp.
      const tmp = container.volumeMounts?.find(m => m.mountPath === '/tmp');
      expect(tmp).toBeDefined();
      expect(
        pod.volumes?.find(v => v.name === tmp!.name)?.emptyDir,
      ).toBeDefined();

      const tier = TIER_RESOURCES[type.defaultTier];
      const amounts: Record<string, string> = type.gpu
        ? { ...tier, 'nvidia.com/gpu': '1' }
        : { ...tier };
      expect(container.resources?.requests).toEqual(amounts);
      expect(container.resources?.limits).toEqual(amounts);
      // GPU jobs, and only they, tolerate the GPU nodes' taint.
      const gpuTolerations = (pod.tolerations ?? []).filter(
        t => t.key === 'nvidia.com/gpu',
      );
      expect(gpuTolerations).toHaveLength(type.gpu ? 1 : 0);

      // The command is the type's own; parameters, with the schema's
      // defaults filled in, travel only as environment variables.
      expect(container.command).toEqual([...BUILT_IN_JOB_TYPES[id].command]);
      expect(container.args ?? []).toEqual([]);
      const effective: Record<string, unknown> = {
        ...Object.fromEntries(
          Object.entries(type.parameterSchema.properties)
            .filter(([, schema]) => schema.default !== undefined)
            .map(([name, schema]) => [name, schema.default]),
        ),
        ...parameters,
      };
      const env_ = container.env ?? [];
      for (const [name, value] of Object.entries(effective)) {
        expect(env_).toContainEqual({
          name: defaultParameterEnvName(name),
          value: typeof value === 'string' ? value : JSON.stringify(value),
        });
      }
      expect(env_).toEqual(
        expect.arrayContaining([
          { name: 'TJ_TENANT_ID', value: tenantA },
          { name: 'TJ_RUN_ID', value: run.id },
        ]),
      );

      // The run reads back the same; what the tracker saw since may differ.
      const read = await request(env.server)
        .get(`/api/tenant-jobs/runs/${run.id}`)
        .set('Authorization', env.as('alice'));
      expect(read.status).toBe(200);
      const {
        status: _status,
        reason: _reason,
        message: _message,
        attempts: _attempts,
        ...identity
      } = run;
      expect(read.body).toMatchObject(identity);
      expect(['Pending', 'Running', 'Succeeded']).toContain(read.body.status);
    });
  });

  it('runs every submitted Job to completion: restricted Pod Security, quota and limits admit its pod', async () => {
    expect([...submitted.keys()].sort()).toEqual(
      [...BUILT_IN_JOB_TYPE_IDS].sort(),
    );
    await Promise.all(
      [...submitted.values()].map(run =>
        waitFor(`Job ${run.jobName} to complete`, async () => {
          const job = await env.readJob(tenantA, run.jobName!);
          const failed = job?.status?.conditions?.find(
            c => c.type === 'Failed' && c.status === 'True',
          );
          if (failed) {
            throw new Error(`Job failed: ${failed.reason} ${failed.message}`);
          }
          return job?.status?.succeeded === 1;
        }),
      ),
    );
  });

  it('provisions the tenant namespace with Pod Security restricted, quota, limits and default-deny networking', async () => {
    const namespace = namespaceOf(tenantA);
    const ns = await env.admin.core.readNamespace({ name: namespace });
    expect(ns.metadata?.labels).toMatchObject({
      'pod-security.kubernetes.io/enforce': 'restricted',
      'app.kubernetes.io/managed-by': 'tenant-jobs',
      'tenant-jobs.io/tenant': tenantA,
    });

    const quotas = await env.admin.core.listNamespacedResourceQuota({
      namespace,
    });
    const byName = new Map(quotas.items.map(q => [q.metadata?.name, q]));
    expect([...byName.keys()].sort()).toEqual([
      'tenant-jobs-high-priority',
      'tenant-jobs-priority-ceiling',
      'tenant-jobs-quota',
    ]);
    // Gold may use every priority; at most half its pods above normal.
    expect(byName.get('tenant-jobs-priority-ceiling')?.spec).toMatchObject({
      hard: { pods: '0' },
      scopeSelector: {
        matchExpressions: [
          expect.objectContaining({
            operator: 'NotIn',
            values: expect.arrayContaining(['tenant-jobs-critical']),
          }),
        ],
      },
    });
    expect(byName.get('tenant-jobs-high-priority')?.spec?.hard).toEqual({
      pods: String(PLANS.gold.quota.pods / 2),
    });
    expect(byName.get('tenant-jobs-quota')?.spec?.hard).toMatchObject({
      'requests.cpu': PLANS.gold.quota.cpu,
      'limits.memory': PLANS.gold.quota.memory,
      'requests.nvidia.com/gpu': String(PLANS.gold.quota.gpu),
      pods: String(PLANS.gold.quota.pods),
      'count/jobs.batch': String(PLANS.gold.quota.jobs),
    });

    const limitRanges = await env.admin.core.listNamespacedLimitRange({
      namespace,
    });
    expect(limitRanges.items).toHaveLength(1);
    const limits = limitRanges.items[0].spec?.limits[0];
    expect(limits?.type).toBe('Container');
    // No container may exceed the plan's largest tier.
    expect(limits?.max).toMatchObject(TIER_RESOURCES[PLANS.gold.maxTier]);

    const policies = await env.admin.networking.listNamespacedNetworkPolicy({
      namespace,
    });
    const denyAll = policies.items.find(
      p =>
        Object.keys(p.spec?.podSelector?.matchLabels ?? {}).length === 0 &&
        (p.spec?.podSelector?.matchExpressions ?? []).length === 0,
    );
    expect(denyAll).toBeDefined();
    expect(denyAll!.spec?.policyTypes).toEqual(
      expect.arrayContaining(['Ingress', 'Egress']),
    );
    expect(denyAll!.spec?.ingress ?? []).toEqual([]);
    // The only egress allowed is DNS.
    for (const rule of denyAll!.spec?.egress ?? []) {
      expect(rule.ports?.map(p => p.port)).toEqual([53, 53]);
    }
  });

  it("shows a member their tenant, its plan and the namespace's quota", async () => {
    const res = await request(env.server)
      .get('/api/tenant-jobs/tenants')
      .set('Authorization', env.as('alice'));
    expect(res.status).toBe(200);
    expect(res.body.items).toHaveLength(1);
    expect(res.body.items[0]).toMatchObject({
      id: tenantA,
      groupRef: env.org.groups.a,
      plan: expect.objectContaining({ id: 'gold', maxTier: 'xlarge' }),
      namespace: namespaceOf(tenantA),
      cluster: 'local',
      activeJobs: Number(
        (
          await env
            .knex('tenant_jobs_runs')
            .where({ tenant_id: tenantA })
            .whereIn('status', ['Queued', 'Pending', 'Running'])
            .count({ n: '*' })
        )[0].n,
      ),
      quota: {
        hard: expect.objectContaining({ 'count/jobs.batch': '100' }),
        used: expect.any(Object),
      },
    });

    const outsider = await request(env.server)
      .get('/api/tenant-jobs/tenants')
      .set('Authorization', env.as('mallory'));
    expect(outsider.status).toBe(200);
    expect(outsider.body.items).toEqual([]);
  });

  describe('callers outside the tenant', () => {
    let run: TenantJobRun;

    beforeAll(async () => {
      const res = await request(env.server)
        .post('/api/tenant-jobs/runs')
        .set('Authorization', env.as('alice'))
        .send(validBody(tenantA, 'billing-report'));
      if (res.status !== 201) {
        throw new Error(`Setup submission failed: ${res.status} ${res.text}`);
      }
      run = res.body;
    });

    async function snapshot() {
      const tenants = await request(env.server)
        .get('/api/tenant-jobs/tenants')
        .set('Authorization', env.as('alice'));
      return {
        jobs: await env.countJobs(tenantA),
        runs: await env.countRuns(),
        activeJobs: tenants.body.items[0].activeJobs as number,
      };
    }

    it.each([
      ['a signed-in user in no tenant', 'mallory'],
      ['a member of another tenant', 'bob'],
    ] as const)(
      '%s gets 403 on submit, the 404 of an unknown run on read, cancel and retry, and nothing changes',
      async (_, user) => {
        const before = await snapshot();

        const submit = await request(env.server)
          .post('/api/tenant-jobs/runs')
          .set('Authorization', env.as(user))
          .send(validBody(tenantA, 'data-etl'));
        expect(submit.status).toBe(403);
        expect(submit.body.error.name).toBe('NotAllowedError');
        expect(submit.body.error.message).toContain(
          `You may not launch jobs for tenant '${tenantA}'`,
        );

        const dryRun = await request(env.server)
          .post('/api/tenant-jobs/runs')
          .set('Authorization', env.as(user))
          .send(validBody(tenantA, 'data-etl', { dryRun: true }));
        expect(dryRun.status).toBe(403);

        // Another tenant's run looks exactly like one that does not exist.
        const unknown = await request(env.server)
          .get('/api/tenant-jobs/runs/00000000-0000-4000-8000-000000000000')
          .set('Authorization', env.as(user));
        expect(unknown.status).toBe(404);
        const read = await request(env.server)
          .get(`/api/tenant-jobs/runs/${run.id}`)
          .set('Authorization', env.as(user));
        expect(read.status).toBe(404);
        expect(read.body.error.name).toBe('NotFoundError');
        expect(read.body.error.message).toBe(
          unknown.body.error.message.replace(
            '00000000-0000-4000-8000-000000000000',
            run.id,
          ),
        );
        expect(JSON.stringify(read.body)).not.toContain(run.jobName);
        expect(JSON.stringify(read.body)).not.toContain(tenantA);

        for (const action of ['cancel', 'retry']) {
          const res = await request(env.server)
            .post(`/api/tenant-jobs/runs/${run.id}/${action}`)
            .set('Authorization', env.as(user));
          expect(res.status).toBe(404);
          expect(res.body.error.name).toBe('NotFoundError');
        }

        expect(await snapshot()).toEqual(before);
        // The run and its Job are untouched.
        const mine = await request(env.server)
          .get(`/api/tenant-jobs/runs/${run.id}`)
          .set('Authorization', env.as('alice'));
        expect(mine.body.status).not.toBe('Cancelled');
        expect(await env.readJob(tenantA, run.jobName!)).toBeDefined();
      },
    );

    it('an unauthenticated caller gets 401 everywhere', async () => {
      const before = await snapshot();
      const calls = [
        request(env.server).get('/api/tenant-jobs/job-types'),
        request(env.server).get('/api/tenant-jobs/tiers'),
        request(env.server).get('/api/tenant-jobs/tenants'),
        request(env.server)
          .post('/api/tenant-jobs/runs')
          .send(validBody(tenantA, 'data-etl')),
        request(env.server).get(`/api/tenant-jobs/runs/${run.id}`),
        request(env.server).post(`/api/tenant-jobs/runs/${run.id}/cancel`),
        request(env.server)
          .post('/api/tenant-jobs/runs')
          .set('Authorization', 'Bearer mock-invalid-user-token')
          .send(validBody(tenantA, 'data-etl')),
      ];
      for (const res of await Promise.all(calls)) {
        expect(res.status).toBe(401);
        expect(res.body.error.name).toBe('AuthenticationError');
      }
      expect(await snapshot()).toEqual(before);
    });
  });

  it('audits refused and successful submissions in its table and through the auditor', async () => {
    const refused = await request(env.server)
      .post('/api/tenant-jobs/runs')
      .set('Authorization', env.as('mallory'))
      .send(validBody(tenantA, 'security-scan'));
    expect(refused.status).toBe(403);
    const created = await request(env.server)
      .post('/api/tenant-jobs/runs')
      .set('Authorization', env.as('alice'))
      .send(validBody(tenantA, 'security-scan'));
    expect(created.status).toBe(201);

    const rows = await env
      .knex('tenant_jobs_audit')
      .where({ tenant_id: tenantA })
      .orderBy('id');
    const refusedRow = rows.filter(
      r => r.actor === env.org.users.mallory && r.action === 'run-submit',
    );
    expect(refusedRow.length).toBeGreaterThanOrEqual(1);
    expect(refusedRow.at(-1)).toMatchObject({
      outcome: 'refused',
      run_id: null,
    });
    expect(JSON.parse(refusedRow.at(-1).detail).error).toContain(
      'not a member',
    );
    const okRow = rows.find(r => r.run_id === created.body.id);
    expect(okRow).toMatchObject({
      actor: env.org.users.alice,
      action: 'run-submit',
      outcome: 'succeeded',
    });
    expect(JSON.parse(okRow.detail)).toMatchObject({
      jobType: 'security-scan',
      dryRun: false,
    });
    // Cancel attempts by outsiders are audited as refused too.
    expect(
      rows.some(
        r =>
          r.actor === env.org.users.mallory &&
          r.action === 'run-cancel' &&
          r.outcome === 'refused',
      ),
    ).toBe(true);

    // The same through the auditor service: one event per attempt.
    const calls = env.auditor.createEvent.mock.calls;
    const results = env.auditor.createEvent.mock.results;
    const eventsBy = async (user: UserKey) =>
      Promise.all(
        calls
          .map((call, i) => ({ options: call[0], result: results[i] }))
          .filter(
            ({ options }) =>
              options.eventId === 'run-submit' &&
              options.request?.headers.authorization === env.as(user),
          )
          .map(async ({ options, result }) => ({
            options,
            event: (await result.value) as {
              success: jest.Mock;
              fail: jest.Mock;
            },
          })),
      );
    const malloryEvents = await eventsBy('mallory');
    const lastRefused = malloryEvents.at(-1)!;
    expect(lastRefused.options).toMatchObject({
      eventId: 'run-submit',
      meta: { tenantId: tenantA },
    });
    expect(lastRefused.event.fail).toHaveBeenCalledWith(
      expect.objectContaining({
        error: expect.objectContaining({ name: 'NotAllowedError' }),
      }),
    );
    expect(lastRefused.event.success).not.toHaveBeenCalled();
    const aliceEvents = await eventsBy('alice');
    const lastOk = aliceEvents.at(-1)!;
    expect(lastOk.event.success).toHaveBeenCalledWith({
      meta: { tenantId: tenantA, runId: created.body.id },
    });
    expect(lastOk.event.fail).not.toHaveBeenCalled();
  });
});
