import { mockServices } from '@backstage/backend-test-utils';
import {
  ConflictError,
  InputError,
  ServiceUnavailableError,
} from '@backstage/errors';
import { ApiException, V1Job } from '@kubernetes/client-node';
import {
  buildPriorityClasses,
  buildTenantObjects,
  TenantPlan,
} from '@tenant-jobs/plugin-tenant-jobs-common';
import net from 'node:net';
import { AddressInfo } from 'node:net';
import { forApply, KubernetesTenantCluster } from './KubernetesTenantCluster';
import { createKubernetesApis, KubernetesApis } from './kubernetesApis';
import { createKubeConfig } from './kubeConfig';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

const plan: TenantPlan = {
  id: 'basic',
  maxTier: 'medium',
  quota: { cpu: '2', memory: '4Gi' },
};

const job: V1Job = {
  apiVersion: 'batch/v1',
  kind: 'Job',
  metadata: { name: 'etl-1', namespace: 'tenant-acme' },
  spec: { template: { spec: { containers: [] } } },
};

function notFound() {
  return new ApiException(
    404,
    'Unknown API Status Code!',
    JSON.stringify({
      kind: 'Status',
      code: 404,
      reason: 'NotFound',
      message: 'not found',
    }),
    {},
  );
}

const PSA_WARNING =
  '299 - "would violate PodSecurity \\"restricted:latest\\": runAsNonRoot != true (pod or container \\"job\\" must set securityContext.runAsNonRoot=true)"';

/** Objects one provisioning applies: the tenant's, then its reader RoleBinding. */
const APPLIED = buildTenantObjects('acme', plan).length + 1;

const BACKEND_USER = 'system:serviceaccount:backstage:backend';

function setup(
  options: { provisionTtlMs?: number; readAccessWaitMs?: number } = {},
) {
  const objects = {
    patch: jest.fn(async (o: unknown) => o),
    read: jest.fn(async (o: unknown): Promise<unknown> => o),
  };
  const batch = {
    createNamespacedJobWithHttpInfo: jest.fn(
      async (param: { body: V1Job; dryRun?: string }) => ({
        data: param.body,
        headers: {} as Record<string, string>,
      }),
    ),
    readNamespacedJob: jest.fn(async () => job),
    deleteNamespacedJob: jest.fn(async () => ({})),
  };
  const core = {
    readNamespacedResourceQuota: jest.fn(),
    listNamespacedEvent: jest.fn(),
    // A new tenant: its namespace does not exist yet.
    readNamespace: jest.fn(async (): Promise<unknown> => {
      throw notFound();
    }),
  };
  const authentication = {
    createSelfSubjectReview: jest.fn(async () => ({
      status: { userInfo: { username: BACKEND_USER } },
    })),
  };
  const authorization = {
    createSelfSubjectAccessReview: jest.fn(async () => ({
      status: { allowed: true },
    })),
  };
  const logger = mockServices.logger.mock();
  const client = new KubernetesTenantCluster({
    name: 'local',
    apis: {
      objects,
      batch,
      core,
      authentication,
      authorization,
    } as unknown as KubernetesApis,
    logger,
    provisionTtlMs: options.provisionTtlMs,
    readAccessWaitMs: options.readAccessWaitMs,
  });
  return {
    client,
    objects,
    batch,
    core,
    authentication,
    authorization,
    logger,
  };
}

describe('KubernetesTenantCluster', () => {
  describe('ensurePriorityClasses', () => {
    it('applies the five PriorityClasses once per process, by server-side apply', async () => {
      const { client, objects } = setup();
      await Promise.all([
        client.ensurePriorityClasses(),
        client.ensurePriorityClasses(),
      ]);
      await client.ensurePriorityClasses();
      expect(objects.patch).toHaveBeenCalledTimes(5);
      expect(
        objects.patch.mock.calls.map(c => (c[0] as any).metadata.name),
      ).toEqual(buildPriorityClasses().map(p => p.metadata!.name));
      expect(objects.patch.mock.calls[0].slice(1)).toEqual([
        undefined,
        undefined,
        'tenant-jobs',
        true,
        'application/apply-patch+yaml',
      ]);
    });

    it('tries again on the next call after a failure', async () => {
      const { client, objects } = setup();
      objects.patch.mockRejectedValueOnce(
        Object.assign(new Error('connect ECONNREFUSED'), {
          name: 'FetchError',
          type: 'system',
          code: 'ECONNREFUSED',
        }),
      );
      await expect(client.ensurePriorityClasses()).rejects.toThrow(
        ServiceUnavailableError,
      );
      await client.ensurePriorityClasses();
      await client.ensurePriorityClasses();
      expect(objects.patch).toHaveBeenCalledTimes(1 + 5);
    });
  });

  it('explains PriorityClasses that differ from config instead of failing every submission', async () => {
    const { client, objects, logger } = setup();
    objects.patch.mockRejectedValueOnce(
      Object.assign(new Error('Invalid'), {
        code: 422,
        body: JSON.stringify({
          kind: 'Status',
          reason: 'Invalid',
          message:
            'PriorityClass "tenant-jobs-high" is invalid: preemptionPolicy: field is immutable',
        }),
      }),
    );
    // What the cluster holds: classes made by an older default, where
    // `high` still preempts.
    const existing = buildPriorityClasses({ preempting: ['high'] });
    objects.read.mockImplementation(async (o: any) =>
      existing.find(c => c.metadata?.name === o.metadata.name),
    );
    await expect(
      client.ensurePriorityClasses({ preempting: [] }),
    ).resolves.toBeUndefined();
    expect(logger.error).toHaveBeenCalledWith(
      expect.stringContaining(
        'tenant-jobs-high (preemptionPolicy PreemptLowerPriority, value 100000; configured Never, 100000)',
      ),
    );
  });

  describe('provisionTenant', () => {
    it('applies the tenant objects in order, namespace first, and returns the namespace', async () => {
      const { client, objects } = setup();
      await expect(
        client.provisionTenant('acme', plan, 'tenant-{tenant}'),
      ).resolves.toBe('tenant-acme');
      const kinds = objects.patch.mock.calls.map(c => (c[0] as any).kind);
      expect(kinds[0]).toBe('Namespace');
      expect(kinds).toEqual(
        expect.arrayContaining([
          'ResourceQuota',
          'LimitRange',
          'NetworkPolicy',
          'ServiceAccount',
        ]),
      );
      expect(kinds).toHaveLength(APPLIED);
      expect(kinds[kinds.length - 1]).toBe('RoleBinding');
    });

    it("binds the tenant reader role to the backend's own identity, asked once", async () => {
      const { client, objects, authentication } = setup();
      await client.provisionTenant('acme', plan, 'tenant-{tenant}');
      await client.provisionTenant('other', plan, 'tenant-{tenant}');
      expect(authentication.createSelfSubjectReview).toHaveBeenCalledTimes(1);
      const bindings = objects.patch.mock.calls
        .map(c => c[0] as any)
        .filter(o => o.kind === 'RoleBinding');
      expect(bindings.map(b => b.metadata.namespace)).toEqual([
        'tenant-acme',
        'tenant-other',
      ]);
      expect(bindings[0]).toMatchObject({
        metadata: { name: 'tenant-jobs-backend-tenant-reader' },
        roleRef: {
          kind: 'ClusterRole',
          name: 'tenant-jobs-backend-tenant-reader',
        },
        subjects: [
          { kind: 'ServiceAccount', namespace: 'backstage', name: 'backend' },
        ],
      });
    });

    it('binds a User subject when the backend is not a ServiceAccount', async () => {
      const { client, objects, authentication } = setup();
      authentication.createSelfSubjectReview.mockResolvedValueOnce({
        status: { userInfo: { username: 'tenant-jobs@example.com' } },
      });
      await client.provisionTenant('acme', plan, 'tenant-{tenant}');
      const binding = objects.patch.mock.calls
        .map(c => c[0] as any)
        .find(o => o.kind === 'RoleBinding');
      expect(binding.subjects).toEqual([
        {
          kind: 'User',
          apiGroup: 'rbac.authorization.k8s.io',
          name: 'tenant-jobs@example.com',
        },
      ]);
    });

    it('asks for its identity again after a failed review', async () => {
      const { client, objects, authentication } = setup();
      authentication.createSelfSubjectReview.mockRejectedValueOnce(
        Object.assign(new Error('connect ECONNREFUSED'), {
          code: 'ECONNREFUSED',
        }),
      );
      await expect(
        client.provisionTenant('acme', plan, 'tenant-{tenant}'),
      ).rejects.toThrow(ServiceUnavailableError);
      expect(objects.patch).not.toHaveBeenCalled();
      await client.provisionTenant('acme', plan, 'tenant-{tenant}');
      expect(authentication.createSelfSubjectReview).toHaveBeenCalledTimes(2);
      expect(objects.patch).toHaveBeenCalledTimes(APPLIED);
    });

    it.each([
      ['no labels', {}],
      [
        'another tenant',
        {
          'app.kubernetes.io/managed-by': 'tenant-jobs',
          'tenant-jobs.io/tenant': 'other',
        },
      ],
      [
        'another manager',
        {
          'app.kubernetes.io/managed-by': 'helm',
          'tenant-jobs.io/tenant': 'acme',
        },
      ],
    ])(
      'refuses, changing nothing, a namespace that exists with %s',
      async (_, labels) => {
        const { client, objects, core } = setup();
        core.readNamespace.mockResolvedValue({
          metadata: { name: 'tenant-acme', labels },
        });
        const attempt = client.provisionTenant('acme', plan, 'tenant-{tenant}');
        await expect(attempt).rejects.toThrow(ConflictError);
        await expect(attempt).rejects.toThrow(
          "Cannot provision tenant 'acme' in cluster 'local': namespace tenant-acme exists and is not managed by Tenant Jobs for this tenant",
        );
        expect(objects.patch).not.toHaveBeenCalled();
      },
    );

    it("applies to this tenant's existing namespace", async () => {
      const { client, objects, core } = setup();
      core.readNamespace.mockResolvedValue({
        metadata: {
          name: 'tenant-acme',
          labels: {
            'app.kubernetes.io/managed-by': 'tenant-jobs',
            'tenant-jobs.io/tenant': 'acme',
          },
        },
      });
      await client.provisionTenant('acme', plan, 'tenant-{tenant}');
      expect(core.readNamespace).toHaveBeenCalledWith({ name: 'tenant-acme' });
      expect(objects.patch).toHaveBeenCalledTimes(APPLIED);
    });

    it('waits until RBAC grants it the tenant events, or warns and goes on', async () => {
      const slow = setup();
      slow.authorization.createSelfSubjectAccessReview
        .mockResolvedValueOnce({ status: { allowed: false } })
        .mockResolvedValueOnce({ status: { allowed: false } });
      await slow.client.provisionTenant('acme', plan, 'tenant-{tenant}');
      expect(
        slow.authorization.createSelfSubjectAccessReview,
      ).toHaveBeenCalledTimes(3);
      expect(
        slow.authorization.createSelfSubjectAccessReview,
      ).toHaveBeenLastCalledWith({
        body: {
          spec: {
            resourceAttributes: {
              namespace: 'tenant-acme',
              verb: 'list',
              resource: 'events',
            },
          },
        },
      });
      expect(slow.logger.warn).not.toHaveBeenCalled();

      const never = setup({ readAccessWaitMs: 120 });
      never.authorization.createSelfSubjectAccessReview.mockResolvedValue({
        status: { allowed: false },
      });
      await expect(
        never.client.provisionTenant('acme', plan, 'tenant-{tenant}'),
      ).resolves.toBe('tenant-acme');
      expect(never.logger.warn).toHaveBeenCalledWith(
        expect.stringContaining('does not grant the backend its events yet'),
      );
    });

    it('skips a repeated call with the same objects, and shares one under way', async () => {
      const { client, objects } = setup();
      await Promise.all([
        client.provisionTenant('acme', plan, 'tenant-{tenant}'),
        client.provisionTenant('acme', plan, 'tenant-{tenant}'),
      ]);
      await client.provisionTenant('acme', plan, 'tenant-{tenant}');
      expect(objects.patch).toHaveBeenCalledTimes(APPLIED);
    });

    it('applies again when the plan changes or the memo expires', async () => {
      const { client, objects } = setup({ provisionTtlMs: 0 });
      await client.provisionTenant('acme', plan, 'tenant-{tenant}');
      await client.provisionTenant('acme', plan, 'tenant-{tenant}');
      expect(objects.patch).toHaveBeenCalledTimes(2 * APPLIED);

      const fresh = setup();
      await fresh.client.provisionTenant('acme', plan, 'tenant-{tenant}');
      await fresh.client.provisionTenant(
        'acme',
        { ...plan, quota: { ...plan.quota, cpu: '4' } },
        'tenant-{tenant}',
      );
      expect(fresh.objects.patch).toHaveBeenCalledTimes(2 * APPLIED);
    });

    it('does not remember a failed apply, and reports an invalid object as a 500', async () => {
      const { client, objects } = setup();
      objects.patch.mockRejectedValueOnce(
        new ApiException(
          422,
          'x',
          JSON.stringify({ code: 422, reason: 'Invalid', message: 'bad' }),
          {},
        ),
      );
      const failure = client.provisionTenant('acme', plan, 'tenant-{tenant}');
      await expect(failure).rejects.toThrow(
        /Cannot provision Namespace tenant-acme in cluster 'local'/,
      );
      await expect(failure).rejects.not.toThrow(InputError);
      await client.provisionTenant('acme', plan, 'tenant-{tenant}');
      expect(objects.patch).toHaveBeenCalledTimes(1 + APPLIED);
    });
  });

  describe('createJob', () => {
    it('with dryRun, sends only a dry run', async () => {
      const { client, batch } = setup();
      await expect(client.createJob(job, { dryRun: true })).resolves.toBe(job);
      expect(batch.createNamespacedJobWithHttpInfo).toHaveBeenCalledTimes(1);
      expect(batch.createNamespacedJobWithHttpInfo).toHaveBeenCalledWith({
        namespace: 'tenant-acme',
        body: job,
        dryRun: 'All',
        fieldManager: 'tenant-jobs',
      });
    });

    it('without dryRun, creates with one request (the builder checks Pod Security)', async () => {
      const { client, batch } = setup();
      await client.createJob(job, { dryRun: false });
      expect(
        batch.createNamespacedJobWithHttpInfo.mock.calls.map(c => c[0].dryRun),
      ).toEqual([undefined]);
    });

    it('removes at once a Job whose pods Pod Security would refuse, and says why', async () => {
      const { client, batch } = setup();
      batch.createNamespacedJobWithHttpInfo.mockResolvedValue({
        data: job,
        headers: { warning: PSA_WARNING },
      });
      const attempt = client.createJob(job, { dryRun: false });
      await expect(attempt).rejects.toThrow(InputError);
      await expect(attempt).rejects.toThrow(
        'would violate PodSecurity "restricted:latest": runAsNonRoot != true',
      );
      expect(batch.deleteNamespacedJob).toHaveBeenCalledWith(
        expect.objectContaining({ name: job.metadata!.name }),
      );
    });

    it('a dry run refused by Pod Security deletes nothing', async () => {
      const { client, batch } = setup();
      batch.createNamespacedJobWithHttpInfo.mockResolvedValue({
        data: job,
        headers: { warning: PSA_WARNING },
      });
      await expect(client.createJob(job, { dryRun: true })).rejects.toThrow(
        InputError,
      );
      expect(batch.deleteNamespacedJob).not.toHaveBeenCalled();
    });

    it('maps AlreadyExists to a ConflictError', async () => {
      const { client, batch } = setup();
      batch.createNamespacedJobWithHttpInfo.mockImplementation(async param => {
        if (param.dryRun) return { data: job, headers: {} };
        throw new ApiException(
          409,
          'x',
          JSON.stringify({
            code: 409,
            reason: 'AlreadyExists',
            message: 'jobs.batch "etl-1" already exists',
          }),
          {},
        );
      });
      await expect(client.createJob(job, { dryRun: false })).rejects.toThrow(
        ConflictError,
      );
    });

    it('provisions again after the namespace turned out to be gone', async () => {
      const { client, batch, objects } = setup();
      await client.provisionTenant('acme', plan, 'tenant-{tenant}');
      batch.createNamespacedJobWithHttpInfo.mockRejectedValueOnce(notFound());
      await expect(client.createJob(job, { dryRun: true })).rejects.toThrow();
      await client.provisionTenant('acme', plan, 'tenant-{tenant}');
      expect(objects.patch).toHaveBeenCalledTimes(2 * APPLIED);
    });
  });

  it('getJob and deleteJob treat 404 as absent', async () => {
    const { client, batch } = setup();
    batch.readNamespacedJob.mockRejectedValueOnce(notFound());
    await expect(
      client.getJob('tenant-acme', 'etl-1'),
    ).resolves.toBeUndefined();
    batch.deleteNamespacedJob.mockRejectedValueOnce(notFound());
    await expect(
      client.deleteJob('tenant-acme', 'etl-1'),
    ).resolves.toBeUndefined();
    expect(batch.deleteNamespacedJob).toHaveBeenCalledWith({
      namespace: 'tenant-acme',
      name: 'etl-1',
      propagationPolicy: 'Background',
    });
  });

  it('getQuota returns hard and used of the tenant quota, or undefined', async () => {
    const { client, core } = setup();
    core.readNamespacedResourceQuota.mockResolvedValueOnce({
      spec: { hard: { pods: '20' } },
      status: { hard: { pods: '20' }, used: { pods: '1' } },
    });
    await expect(client.getQuota('tenant-acme')).resolves.toEqual({
      hard: { pods: '20' },
      used: { pods: '1' },
    });
    expect(core.readNamespacedResourceQuota).toHaveBeenCalledWith({
      namespace: 'tenant-acme',
      name: 'tenant-jobs-quota',
    });
    core.readNamespacedResourceQuota.mockResolvedValueOnce({
      spec: { hard: { pods: '20' } },
    });
    await expect(client.getQuota('tenant-acme')).resolves.toEqual({
      hard: { pods: '20' },
      used: {},
    });
    core.readNamespacedResourceQuota.mockRejectedValueOnce(notFound());
    await expect(client.getQuota('tenant-acme')).resolves.toBeUndefined();
  });

  it('listRunEvents selects the Job and sorts oldest first', async () => {
    const { client, core } = setup();
    core.listNamespacedEvent.mockResolvedValueOnce({
      items: [
        {
          type: 'Warning',
          reason: 'FailedCreate',
          message: 'Error creating: pods "x" is forbidden: exceeded quota',
          count: 3,
          lastTimestamp: new Date('2026-01-01T00:00:10Z'),
        },
        {
          type: 'Normal',
          reason: 'SuccessfulCreate',
          message: 'Created pod: x',
          eventTime: new Date('2026-01-01T00:00:01Z'),
        },
      ],
    });
    const events = await client.listRunEvents('tenant-acme', 'etl-1', []);
    expect(events.map(e => [e.reason, e.count])).toEqual([
      ['SuccessfulCreate', 1],
      ['FailedCreate', 3],
    ]);
    expect(core.listNamespacedEvent).toHaveBeenCalledWith({
      namespace: 'tenant-acme',
      fieldSelector: 'involvedObject.kind=Job,involvedObject.name=etl-1',
      limit: 200,
    });
  });
});

describe('forApply', () => {
  it('leaves out empty NetworkPolicy rule lists that policyTypes covers', () => {
    const policy = {
      apiVersion: 'networking.k8s.io/v1',
      kind: 'NetworkPolicy',
      metadata: { name: 'p', namespace: 'n' },
      spec: {
        podSelector: {},
        policyTypes: ['Ingress', 'Egress'],
        ingress: [],
        egress: [{ ports: [{ port: 53 }] }],
      },
    };
    expect((forApply(policy) as any).spec).toEqual({
      podSelector: {},
      policyTypes: ['Ingress', 'Egress'],
      egress: [{ ports: [{ port: 53 }] }],
    });
    expect(policy.spec.ingress).toEqual([]); // not modified
    const ingressOnly = {
      ...policy,
      spec: { podSelector: {}, policyTypes: ['Ingress'], egress: [] },
    };
    expect((forApply(ingressOnly) as any).spec.egress).toEqual([]);
    const namespace = { apiVersion: 'v1', kind: 'Namespace' };
    expect(forApply(namespace)).toBe(namespace);
  });
});

describe('KubernetesTenantCluster against an unreachable cluster', () => {
  let dir: string;
  let tokenFile: string;
  beforeAll(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tj-unreachable-'));
    tokenFile = path.join(dir, 'token');
    fs.writeFileSync(tokenFile, 'token');
  });
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  function clientFor(url: string, requestTimeoutMs?: number) {
    return new KubernetesTenantCluster({
      name: 'far-away',
      apis: createKubernetesApis(
        createKubeConfig({
          name: 'far-away',
          url,
          auth: { type: 'serviceAccountToken', tokenFile },
        }),
        { requestTimeoutMs },
      ),
      logger: mockServices.logger.mock(),
    });
  }

  it('reports a refused connection as ServiceUnavailableError naming the cluster', async () => {
    const server = net.createServer();
    await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    await new Promise(resolve => server.close(resolve)); // nobody listens now
    const attempt = clientFor(`https://127.0.0.1:${port}`).getJob('ns', 'j');
    await expect(attempt).rejects.toThrow(ServiceUnavailableError);
    await expect(attempt).rejects.toThrow(
      /Cluster 'far-away' could not be reached to read Job j in ns: .*ECONNREFUSED/,
    );
  });

  it('gives up on a cluster that never answers after the request timeout', async () => {
    const sockets: net.Socket[] = [];
    const server = net.createServer(socket => sockets.push(socket)); // silent
    await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    try {
      const started = Date.now();
      const attempt = clientFor(`https://127.0.0.1:${port}`, 300).createJob(
        job,
        { dryRun: true },
      );
      await expect(attempt).rejects.toThrow(ServiceUnavailableError);
      await expect(attempt).rejects.toThrow(
        /'far-away' did not answer in time/,
      );
      expect(Date.now() - started).toBeLessThan(5_000);
    } finally {
      sockets.forEach(s => s.destroy());
      await new Promise(resolve => server.close(resolve));
    }
  });
});
