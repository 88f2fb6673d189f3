/*
 * Over HTTP, against the local cluster: the boundaries between tenants hold.
 * Plans cap priority (403 above it), a high-priority job of one tenant
 * never evicts another tenant's pod (only a platform-approved `critical`
 * does), the priority-scoped quota holds in Kubernetes itself, reserved
 * tenant ids are refused, entity refs must be the tenant's, and a dry run
 * changes nothing. See __testUtils__/harness.ts for the setup.
 */
import { TestDatabases } from '@backstage/backend-test-utils';
import { SchedulingV1Api, V1Pod } from '@kubernetes/client-node';
import {
  buildPriorityClasses,
  TenantJobRun,
} from '@tenant-jobs/plugin-tenant-jobs-common';
import request from 'supertest';
import {
  adminKubeConfig,
  namespaceOf,
  RESERVED_CLAIMS,
  startTenantJobsTestBackend,
  TenantJobsTestEnv,
  testJobType,
  validBody,
  waitFor,
} from './__testUtils__/harness';

jest.setTimeout(240_000);

const databases = TestDatabases.create({ ids: ['SQLITE_3'] });

/** A node of its own with room for one `medium` pod (500m) but not two. */
const NODE_CPU = '750m';
const PROBE = 'preempt-probe';

describe('Tenant Jobs over HTTP: boundaries between tenants', () => {
  let env: TenantJobsTestEnv;
  let node: string;

  beforeAll(async () => {
    // PriorityClasses cannot change in place: drop any left by older
    // settings, so the backend creates them as configured now.
    const scheduling = adminKubeConfig().makeApiClient(SchedulingV1Api);
    for (const wanted of buildPriorityClasses()) {
      const name = wanted.metadata!.name!;
      const existing = await scheduling
        .readPriorityClass({ name })
        .catch(() => undefined);
      if (existing && existing.preemptionPolicy !== wanted.preemptionPolicy) {
        await scheduling.deletePriorityClass({ name });
      }
    }

    node = `kwok-boundaries-${Date.now().toString(36)}`;
    env = await startTenantJobsTestBackend({
      databases,
      plans: {
        // Tenant a's plan (gold) is platform-approved for critical; b's
        // (basic) is not.
        basic: {
          allowedJobTypes: [
            'data-etl',
            'billing-report',
            'security-scan',
            PROBE,
          ],
        },
      },
      jobTypes: [
        testJobType(PROBE, {
          nodeSelector: { 'kubernetes.io/hostname': node },
          simulate: 'duration=300s',
          defaultTier: 'medium',
          allowedTiers: ['medium'],
        }),
      ],
    });
    await env.admin.core.createNode({
      body: {
        metadata: {
          name: node,
          annotations: {
            'node.alpha.kubernetes.io/ttl': '0',
            'kwok.x-k8s.io/node': 'fake',
          },
          labels: {
            type: 'kwok',
            'kubernetes.io/hostname': node,
            'kubernetes.io/os': 'linux',
          },
        },
        spec: {},
        status: {
          capacity: { cpu: NODE_CPU, memory: '8Gi', pods: '10' },
          allocatable: { cpu: NODE_CPU, memory: '8Gi', pods: '10' },
        },
      },
    });
  });

  afterAll(async () => {
    await env?.admin.core.deleteNode({ name: node }).catch(() => undefined);
    await env?.stop();
  });

  const submit = (user: 'alice' | 'bob' | 'mallory', body: object) =>
    request(env.server)
      .post('/api/tenant-jobs/runs')
      .set('Authorization', env.as(user))
      .send(body);

  const probe = (tenantId: string, priority = 'normal') => ({
    tenantId,
    jobType: PROBE,
    priority,
    parameters: {},
  });

  const podsOf = async (tenantId: string, runId: string): Promise<V1Pod[]> =>
    (
      await env.admin.core.listNamespacedPod({
        namespace: namespaceOf(tenantId),
        labelSelector: `tenant-jobs.io/run-id=${runId}`,
      })
    ).items;

  it('refuses a priority above the plan with 403 naming its highest priority', async () => {
    const { b } = env.org.tenants;
    const before = await env.countRuns(b);
    const res = await submit(
      'bob',
      validBody(b, 'data-etl', { tier: 'small', priority: 'critical' }),
    );
    expect(res.status).toBe(403);
    expect(res.body.error.message).toBe(
      "priority: priority 'critical' is above the highest priority of plan 'basic', which is 'high'",
    );
    expect(await env.countRuns(b)).toBe(before);
    expect(await env.countJobs(b)).toBe(0);
  });

  it('dry-runs a tenant that never ran a job without creating its namespace', async () => {
    const { b } = env.org.tenants;
    const res = await submit(
      'bob',
      validBody(b, 'data-etl', { tier: 'small', dryRun: true }),
    );
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ dryRun: true, checkedBy: 'plugin' });
    const namespace = await env.admin.core
      .readNamespace({ name: namespaceOf(b) })
      .catch(() => undefined);
    expect(namespace).toBeUndefined();
    expect(await env.countRuns(b)).toBe(0);
  });

  it('never lets a high-priority job evict another tenant; only a platform-approved critical one does', async () => {
    const { a, b } = env.org.tenants;
    // Tenant b's job takes the node.
    const victim = await submit('bob', probe(b));
    expect(victim.status).toBe(201);
    const victimRun = victim.body as TenantJobRun;
    const [victimPod] = await waitFor(
      "tenant b's pod to run on the small node",
      async () => {
        const pods = await podsOf(b, victimRun.id);
        return pods.length === 1 && pods[0].status?.phase === 'Running'
          ? pods
          : undefined;
      },
    );
    expect(victimPod.spec?.nodeName).toBe(node);

    // Tenant a at high priority fits only by evicting it: it must wait.
    const high = await submit('alice', probe(a, 'high'));
    expect(high.status).toBe(201);
    const highRun = high.body as TenantJobRun;
    const unschedulable = await waitFor(
      "tenant a's high-priority pod to be found unschedulable",
      async () => {
        const [pod] = await podsOf(a, highRun.id);
        const condition = pod?.status?.conditions?.find(
          c => c.type === 'PodScheduled',
        );
        return condition?.reason === 'Unschedulable' ? pod : undefined;
      },
    );
    expect(unschedulable.spec?.priorityClassName).toBe('tenant-jobs-high');
    expect(unschedulable.spec?.preemptionPolicy).toBe('Never');
    // Give the scheduler time to change its mind; it must not.
    await new Promise(resolve => setTimeout(resolve, 8_000));
    const [still] = await podsOf(b, victimRun.id);
    expect(still.metadata?.uid).toBe(victimPod.metadata?.uid);
    expect(still.metadata?.deletionTimestamp).toBeUndefined();
    expect(still.status?.phase).toBe('Running');
    const [highPod] = await podsOf(a, highRun.id);
    expect(highPod.spec?.nodeName).toBeUndefined();
    await waitFor('the run to say why it waits', async () => {
      const run = await request(env.server)
        .get(`/api/tenant-jobs/runs/${highRun.id}`)
        .set('Authorization', env.as('alice'));
      return (
        run.body.status === 'Pending' && run.body.reason === 'Unschedulable'
      );
    });

    // The control: the same setup does preempt at critical, which only a
    // plan the platform team approved may use.
    const critical = await submit('alice', probe(a, 'critical'));
    expect(critical.status).toBe(201);
    await waitFor("tenant b's pod to be preempted by critical", async () => {
      const pods = await podsOf(b, victimRun.id);
      const original = pods.find(
        p => p.metadata?.uid === victimPod.metadata?.uid,
      );
      return (
        !original ||
        original.metadata?.deletionTimestamp !== undefined ||
        original.status?.conditions?.some(
          c => c.type === 'DisruptionTarget' && c.status === 'True',
        )
      );
    });
  });

  it('holds the priority ceiling in Kubernetes: no pod above the plan, whoever creates it', async () => {
    const { b } = env.org.tenants;
    // As the cluster admin, bypassing the plugin entirely.
    const refused = await env.admin.core
      .createNamespacedPod({
        namespace: namespaceOf(b),
        body: {
          metadata: { name: 'sneaky-critical' },
          spec: {
            priorityClassName: 'tenant-jobs-critical',
            securityContext: {
              runAsNonRoot: true,
              seccompProfile: { type: 'RuntimeDefault' },
            },
            containers: [
              {
                name: 'main',
                image: 'busybox:1.36',
                resources: {
                  requests: { cpu: '100m', memory: '64Mi' },
                  limits: { cpu: '100m', memory: '64Mi' },
                },
                securityContext: {
                  allowPrivilegeEscalation: false,
                  capabilities: { drop: ['ALL'] },
                  runAsUser: 1000,
                },
              },
            ],
          },
        },
      })
      .then(
        () => undefined,
        (error: { code?: number; body?: string }) => error,
      );
    expect(refused?.code).toBe(403);
    expect(String(refused?.body)).toContain(
      'exceeded quota: tenant-jobs-priority-ceiling',
    );
  });

  it.each(RESERVED_CLAIMS)(
    'refuses a Group claiming the reserved tenant id %s, changing nothing',
    async id => {
      const before = await env.admin.core.readNamespace({ name: id });
      const res = await submit('mallory', {
        tenantId: id,
        jobType: 'data-etl',
        parameters: { source: 'events-db', destination: 'warehouse' },
      });
      expect(res.status).toBe(409);
      expect(res.body.error.message).toContain(`tenant id '${id}' is reserved`);
      const after = await env.admin.core.readNamespace({ name: id });
      expect(after.metadata?.labels).toEqual(before.metadata?.labels);
      expect(after.metadata?.resourceVersion).toBe(
        before.metadata?.resourceVersion,
      );
      const jobs = await env.admin.batch
        .listNamespacedJob({
          namespace: `tenant-${id}`,
        })
        .catch(() => ({ items: [] }));
      expect(jobs.items).toEqual([]);
    },
  );

  it.each(RESERVED_CLAIMS)(
    'tells why %s is refused only to its claiming Group: bob learns nothing',
    async id => {
      const res = await submit('bob', {
        tenantId: id,
        jobType: 'data-etl',
        parameters: { source: 'events-db', destination: 'warehouse' },
      });
      expect(res.status).toBe(403);
      expect(res.body.error.message).toBe(
        `You may not launch jobs for tenant '${id}': you are not a member of it`,
      );
      expect(res.body.error.message).not.toContain('claims-');
    },
  );

  it('accepts only entity refs of the tenant', async () => {
    const { a } = env.org.tenants;
    const { components } = env.org;
    const before = await env.countRuns(a);
    for (const entityRef of [
      components.b.owned,
      components.b.annotated,
      // Annotated for a, but registered from a location nobody trusts.
      components.a.lookalike,
      'component:default/does-not-exist',
    ]) {
      const res = await submit(
        'alice',
        validBody(a, 'data-etl', { entityRef, dryRun: true }),
      );
      expect(res.status).toBe(400);
      expect(res.body.error.message).toContain(
        `entityRef: '${entityRef}' is not a catalog entity of tenant '${a}'`,
      );
    }
    expect(await env.countRuns(a)).toBe(before);
    for (const entityRef of [components.a.owned, components.a.annotated]) {
      const res = await submit(
        'alice',
        validBody(a, 'data-etl', { entityRef, dryRun: true }),
      );
      expect(res.status).toBe(200);
    }
  });
});
