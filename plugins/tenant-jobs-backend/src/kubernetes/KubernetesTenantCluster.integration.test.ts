/*
 * Integration tests: the Kubernetes access layer against the local cluster
 * (scripts/cluster/cluster.sh up), running as a ServiceAccount bound to the
 * shipped ClusterRole tenant-jobs-backend only and confined by the shipped
 * policy (deploy/), never as admin. The admin kubeconfig is
 * used only to set that up, to look behind the backend's back and to clean
 * up.
 */
import { mockServices } from '@backstage/backend-test-utils';
import { ConflictError, InputError, NotFoundError } from '@backstage/errors';
import {
  ApiException,
  AuthorizationV1Api,
  BatchV1Api,
  CoreV1Api,
  KubeConfig,
  NetworkingV1Api,
  RbacAuthorizationV1Api,
  SchedulingV1Api,
  V1Job,
  V1Pod,
} from '@kubernetes/client-node';
import {
  buildJob,
  buildPriorityClasses,
  buildRunName,
  BUILT_IN_JOB_TYPES,
  DEFAULT_DENY_NETWORK_POLICY_NAME,
  RUNNER_SERVICE_ACCOUNT_NAME,
  TENANT_LIMIT_RANGE_NAME,
  TENANT_QUOTA_NAME,
  TenantPlan,
  TierId,
} from '@tenant-jobs/plugin-tenant-jobs-common';
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ClusterConfig } from '../config/readConfig';
import { QuotaExceededError, toClusterError } from './errors';
import { createKubeConfig } from './kubeConfig';
import { KubernetesTenantCluster } from './KubernetesTenantCluster';
import { createBackendIdentity } from '../__tests__/__testUtils__/backendIdentity';

jest.setTimeout(120_000);

const REPO_ROOT = path.resolve(__dirname, '../../../..');
const NAMESPACE_PATTERN = 'tenant-{tenant}';
const SIMULATE = 'tenant-jobs.io/simulate';
const JOB_NAME_LABEL = 'batch.kubernetes.io/job-name';

/** The plan of tenant A: room for a few jobs. */
const roomyPlan: TenantPlan = {
  id: 'it-roomy',
  maxTier: 'large',
  quota: { cpu: '4', memory: '8Gi', pods: 5, jobs: 10 },
};

/** The plan of tenant B: one small pod at a time, two Job objects. */
const tightPlan: TenantPlan = {
  id: 'it-tight',
  maxTier: 'small',
  quota: { cpu: '250m', memory: '512Mi', pods: 2, jobs: 2 },
};

function adminKubeConfig(): KubeConfig {
  const file =
    process.env.TENANT_JOBS_KUBECONFIG?.trim() ||
    path.join(REPO_ROOT, '.local/cluster/kubeconfig');
  if (!fs.existsSync(file)) {
    throw new Error(
      `No kubeconfig at ${file}: start the local cluster with scripts/cluster/cluster.sh up, or set TENANT_JOBS_KUBECONFIG`,
    );
  }
  const kc = new KubeConfig();
  kc.loadFromFile(file);
  return kc;
}

/** Polls `probe` until it returns a value; fails with the last error at the deadline. */
async function waitFor<T>(
  description: string,
  probe: () => Promise<T | undefined | false>,
  timeoutMs = 60_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let lastError: unknown;
  for (;;) {
    try {
      const value = await probe();
      if (value !== undefined && value !== false) return value;
      lastError = undefined;
    } catch (error) {
      lastError = error;
    }
    if (Date.now() > deadline) {
      throw new Error(
        `Timed out after ${timeoutMs}ms waiting for ${description}${
          lastError ? ` (last error: ${(lastError as Error).message})` : ''
        }`,
      );
    }
    await new Promise(resolve => setTimeout(resolve, 250));
  }
}

async function ignoreNotFound(fn: () => Promise<unknown>): Promise<void> {
  try {
    await fn();
  } catch (error) {
    if ((error as ApiException<unknown>).code !== 404) throw error;
  }
}

describe('KubernetesTenantCluster on the local cluster, as the least-privilege backend', () => {
  const run = randomBytes(4).toString('hex');
  const backendNamespace = `tj-it-backend-${run}`;
  const bindingName = `tenant-jobs-it-${run}`;
  const tenantA = `it-${run}-a`;
  const tenantB = `it-${run}-b`;
  const tenantNamespaces = [tenantA, tenantB].map(t => `tenant-${t}`);

  let admin: {
    core: CoreV1Api;
    batch: BatchV1Api;
    rbac: RbacAuthorizationV1Api;
    scheduling: SchedulingV1Api;
    networking: NetworkingV1Api;
  };
  let tmpDir: string;
  let cluster: ClusterConfig;
  let client: KubernetesTenantCluster;
  /** What the backend's own credentials may do, asked as the backend. */
  let can: (
    verb: string,
    resource: string,
    group: string,
    namespace?: string,
  ) => Promise<boolean>;

  beforeAll(async () => {
    const kc = adminKubeConfig();
    admin = {
      core: kc.makeApiClient(CoreV1Api),
      batch: kc.makeApiClient(BatchV1Api),
      rbac: kc.makeApiClient(RbacAuthorizationV1Api),
      scheduling: kc.makeApiClient(SchedulingV1Api),
      networking: kc.makeApiClient(NetworkingV1Api),
    };

    // The shipped deploy files, and a ServiceAccount bound to
    // tenant-jobs-backend and nothing else.
    tmpDir = fs.mkdtempSync(path.join(os.tmpdir(), 'tj-it-'));
    const identity = await createBackendIdentity(kc, {
      namespace: backendNamespace,
      bindingName,
      tokenDir: tmpDir,
    });
    const tokenFile = identity.tokenFile;

    const adminCluster = kc.getCurrentCluster()!;
    cluster = {
      name: 'local',
      url: adminCluster.server,
      caData: adminCluster.caData,
      caFile: adminCluster.caFile,
      auth: { type: 'serviceAccountToken', tokenFile },
    };
    client = KubernetesTenantCluster.fromConfig(cluster, {
      logger: mockServices.logger.mock(),
    });

    const authorization =
      createKubeConfig(cluster).makeApiClient(AuthorizationV1Api);
    can = async (verb, resource, group, namespace) => {
      const review = await authorization.createSelfSubjectAccessReview({
        body: {
          spec: { resourceAttributes: { verb, resource, group, namespace } },
        },
      });
      return review.status?.allowed === true;
    };
    // RBAC reaches the authorizer's cache a moment after the binding.
    await waitFor('the ClusterRoleBinding to take effect', () =>
      can('create', 'jobs', 'batch', 'default'),
    );
  });

  afterAll(async () => {
    const core = admin?.core;
    if (core) {
      for (const name of [...tenantNamespaces, backendNamespace]) {
        await ignoreNotFound(() =>
          core.deleteNamespace({ name, propagationPolicy: 'Background' }),
        );
      }
      await ignoreNotFound(() =>
        admin.rbac.deleteClusterRoleBinding({ name: bindingName }),
      );
    }
    if (tmpDir) fs.rmSync(tmpDir, { recursive: true, force: true });
  });

  let jobCounter = 0;
  /** A data-etl Job of `tenantId`, as the backend builds it. */
  function etlJob(tenantId: string, tier: TierId, simulate: string): V1Job {
    jobCounter += 1;
    const suffix = `${run.slice(0, 4)}${jobCounter}`;
    return buildJob(
      {
        tenantId,
        jobType: 'data-etl',
        parameters: { source: 'events-db', destination: 'warehouse' },
      },
      {
        jobType: BUILT_IN_JOB_TYPES['data-etl'],
        namespace: `tenant-${tenantId}`,
        runId: `run-${suffix}`,
        jobName: buildRunName('data-etl', tenantId, new Date(), suffix),
        tier,
        priority: 'normal',
        annotations: { [SIMULATE]: simulate },
      },
    );
  }

  async function podsOf(namespace: string, jobName: string): Promise<V1Pod[]> {
    const list = await admin.core.listNamespacedPod({
      namespace,
      labelSelector: `${JOB_NAME_LABEL}=${jobName}`,
    });
    return list.items;
  }

  it('ensurePriorityClasses applies the five PriorityClasses', async () => {
    await client.ensurePriorityClasses();
    for (const expected of buildPriorityClasses()) {
      const actual = await admin.scheduling.readPriorityClass({
        name: expected.metadata!.name!,
      });
      expect(actual.value).toBe(expected.value);
      expect(actual.preemptionPolicy).toBe(expected.preemptionPolicy);
      expect(actual.globalDefault ?? false).toBe(false);
      expect(
        actual.metadata?.managedFields?.some(
          f => f.manager === 'tenant-jobs' && f.operation === 'Apply',
        ),
      ).toBe(true);
    }
    // Once per process: a second call sends nothing and succeeds.
    await client.ensurePriorityClasses();
  });

  it('provisionTenant creates the hardened namespace; applying it again changes nothing', async () => {
    const namespace = await client.provisionTenant(
      tenantA,
      roomyPlan,
      NAMESPACE_PATTERN,
    );
    expect(namespace).toBe(`tenant-${tenantA}`);

    const ns = await admin.core.readNamespace({ name: namespace });
    expect(ns.metadata?.labels).toMatchObject({
      'pod-security.kubernetes.io/enforce': 'restricted',
      'pod-security.kubernetes.io/enforce-version': 'latest',
      'app.kubernetes.io/managed-by': 'tenant-jobs',
      'tenant-jobs.io/tenant': tenantA,
    });
    const quota = await admin.core.readNamespacedResourceQuota({
      namespace,
      name: TENANT_QUOTA_NAME,
    });
    expect(quota.spec?.hard).toMatchObject({
      'requests.cpu': '4',
      'limits.memory': '8Gi',
      pods: '5',
      'count/jobs.batch': '10',
      'requests.nvidia.com/gpu': '0',
    });
    const limits = await admin.core.readNamespacedLimitRange({
      namespace,
      name: TENANT_LIMIT_RANGE_NAME,
    });
    expect(limits.spec?.limits[0].max).toEqual({ cpu: '2', memory: '4Gi' });
    expect(limits.spec?.limits[0]._default).toEqual({
      cpu: '100m',
      memory: '128Mi',
    });
    const policy = await admin.networking.readNamespacedNetworkPolicy({
      namespace,
      name: DEFAULT_DENY_NETWORK_POLICY_NAME,
    });
    expect(policy.spec?.podSelector).toEqual({});
    expect(policy.spec?.policyTypes).toEqual(['Ingress', 'Egress']);
    expect(policy.spec?.ingress ?? []).toEqual([]);
    const runner = await admin.core.readNamespacedServiceAccount({
      namespace,
      name: RUNNER_SERVICE_ACCOUNT_NAME,
    });
    expect(runner.automountServiceAccountToken).toBe(false);

    // The quota controller writes the quota's status once; after that,
    // nothing but our own applies could change these objects.
    await waitFor('the quota status', async () =>
      (await client.getQuota(namespace))?.used['count/jobs.batch'] === '0'
        ? true
        : undefined,
    );
    const versions = async () => [
      (await admin.core.readNamespace({ name: namespace })).metadata
        ?.resourceVersion,
      ...(
        await Promise.all([
          admin.core.readNamespacedResourceQuota({
            namespace,
            name: TENANT_QUOTA_NAME,
          }),
          admin.core.readNamespacedLimitRange({
            namespace,
            name: TENANT_LIMIT_RANGE_NAME,
          }),
          admin.networking.readNamespacedNetworkPolicy({
            namespace,
            name: DEFAULT_DENY_NETWORK_POLICY_NAME,
          }),
          admin.core.readNamespacedServiceAccount({
            namespace,
            name: RUNNER_SERVICE_ACCOUNT_NAME,
          }),
        ])
      ).map(o => o.metadata?.resourceVersion),
    ];
    const before = await versions();
    // Remembered by this client; a fresh one (another replica, a restart)
    // really applies again, and the apiserver finds nothing to change.
    await expect(
      client.provisionTenant(tenantA, roomyPlan, NAMESPACE_PATTERN),
    ).resolves.toBe(namespace);
    const fresh = KubernetesTenantCluster.fromConfig(cluster, {
      logger: mockServices.logger.mock(),
    });
    await expect(
      fresh.provisionTenant(tenantA, roomyPlan, NAMESPACE_PATTERN),
    ).resolves.toBe(namespace);
    expect(await versions()).toEqual(before);
  });

  it('runs a data-etl Job built by buildJob to completion: Pod Security restricted admits its pod', async () => {
    await client.ensurePriorityClasses();
    const namespace = await client.provisionTenant(
      tenantA,
      roomyPlan,
      NAMESPACE_PATTERN,
    );
    const job = etlJob(tenantA, 'small', 'duration=1s');
    const name = job.metadata!.name!;
    const created = await client.createJob(job, { dryRun: false });
    expect(created.metadata?.uid).toBeTruthy();

    const done = await waitFor(`Job ${name} to finish`, async () => {
      const current = await client.getJob(namespace, name);
      const finished = current?.status?.conditions?.find(
        c =>
          (c.type === 'Complete' || c.type === 'Failed') && c.status === 'True',
      );
      return finished ? { current, finished } : undefined;
    });
    expect(done.finished.type).toBe('Complete');
    expect(done.current?.status?.succeeded).toBe(1);

    const pods = await podsOf(namespace, name);
    expect(pods.length).toBeGreaterThanOrEqual(1);
    const pod = pods.find(p => p.status?.phase === 'Succeeded');
    expect(pod).toBeDefined();
    expect(pod?.spec?.priorityClassName).toBe('tenant-jobs-normal');
    expect(pod?.spec?.priority).toBe(10000);
    expect(pod?.spec?.serviceAccountName).toBe(RUNNER_SERVICE_ACCOUNT_NAME);
    expect(pod?.spec?.containers[0].securityContext).toMatchObject({
      allowPrivilegeEscalation: false,
      readOnlyRootFilesystem: true,
      capabilities: { drop: ['ALL'] },
    });

    const events = await client.listRunEvents(namespace, name, []);
    expect(events.map(e => e.reason)).toContain('SuccessfulCreate');

    // The same Job again: the apiserver says it exists.
    await expect(client.createJob(job, { dryRun: false })).rejects.toThrow(
      ConflictError,
    );
  });

  it('dry runs create nothing, and admission refusals come back as the right errors', async () => {
    const namespace = await client.provisionTenant(
      tenantA,
      roomyPlan,
      NAMESPACE_PATTERN,
    );

    // Admitted, not persisted.
    const job = etlJob(tenantA, 'medium', 'duration=1s');
    const name = job.metadata!.name!;
    const admitted = await client.createJob(job, { dryRun: true });
    expect(admitted.metadata?.name).toBe(name);
    expect(
      admitted.spec?.template.spec?.containers[0].resources?.limits,
    ).toEqual({ cpu: '500m', memory: '1Gi' });
    await expect(client.getJob(namespace, name)).resolves.toBeUndefined();

    // A pod template that Pod Security `restricted` would refuse: the
    // apiserver only warns on the Job, which createJob turns into a refusal.
    const unsafe = etlJob(tenantA, 'small', 'duration=1s');
    unsafe.spec!.template.spec!.securityContext!.runAsNonRoot = false;
    unsafe.spec!.template.spec!.containers[0].securityContext!.allowPrivilegeEscalation =
      true;
    for (const dryRun of [true, false]) {
      const attempt = client.createJob(unsafe, { dryRun });
      await expect(attempt).rejects.toThrow(InputError);
      await expect(attempt).rejects.toThrow(
        /would violate PodSecurity "restricted:latest": allowPrivilegeEscalation != false/,
      );
    }
    await expect(
      client.getJob(namespace, unsafe.metadata!.name!),
    ).resolves.toBeUndefined();

    // Invalid: the fields are named.
    const invalid = etlJob(tenantA, 'small', 'duration=1s');
    invalid.spec!.backoffLimit = -1;
    const refused = client.createJob(invalid, { dryRun: true });
    await expect(refused).rejects.toThrow(InputError);
    await expect(refused).rejects.toThrow(/invalid fields: spec.backoffLimit/);
  });

  it('the quota judges Jobs at create (count/jobs.batch) and their pods later (cpu)', async () => {
    const namespace = await client.provisionTenant(
      tenantB,
      tightPlan,
      NAMESPACE_PATTERN,
    );

    // Job 1 takes all of the tenant's cpu while it runs.
    const first = etlJob(tenantB, 'small', 'duration=10m');
    await client.createJob(first, { dryRun: false });
    await waitFor('the first pod to run', async () =>
      (
        await podsOf(namespace, first.metadata!.name!)
      ).some(p => p.status?.phase === 'Running'),
    );

    // Job 2: the Job object is within quota, so even a dry run admits it
    // (cpu is charged to pods, not Jobs) ...
    const second = etlJob(tenantB, 'small', 'duration=1s');
    await expect(
      client.createJob(second, { dryRun: true }),
    ).resolves.toBeDefined();
    await client.createJob(second, { dryRun: false });
    // ... but its pod is refused, and the Job's events say why.
    const refusal = await waitFor('a FailedCreate event', async () =>
      (
        await client.listRunEvents(namespace, second.metadata!.name!, [])
      ).find(e => e.reason === 'FailedCreate'),
    );
    expect(refusal.type).toBe('Warning');
    expect(refusal.message).toMatch(
      /exceeded quota: tenant-jobs-quota, requested: .*requests\.cpu=250m.*limited: .*requests\.cpu=250m/,
    );
    expect(await podsOf(namespace, second.metadata!.name!)).toEqual([]);

    // Job 3: two Jobs exist, the plan allows two. The dry run is refused
    // by the apiserver with the quota's detail, and nothing is created.
    const third = etlJob(tenantB, 'small', 'duration=1s');
    const attempt = client.createJob(third, { dryRun: true });
    await expect(attempt).rejects.toThrow(QuotaExceededError);
    await expect(attempt).rejects.toThrow(ConflictError);
    await expect(attempt).rejects.toThrow(
      'exceeded quota: tenant-jobs-quota, requested: count/jobs.batch=1, used: count/jobs.batch=2, limited: count/jobs.batch=2',
    );
    const error = (await attempt.catch(e => e)) as QuotaExceededError;
    expect(error.limited).toEqual({ 'count/jobs.batch': '2' });
    await expect(
      client.getJob(namespace, third.metadata!.name!),
    ).resolves.toBeUndefined();

    const quota = await client.getQuota(namespace);
    expect(quota?.hard['count/jobs.batch']).toBe('2');
    expect(quota?.used['count/jobs.batch']).toBe('2');
  });

  it('deleteJob removes a running Job and its pods; deleting again is fine', async () => {
    const namespace = await client.provisionTenant(
      tenantA,
      roomyPlan,
      NAMESPACE_PATTERN,
    );
    const job = etlJob(tenantA, 'small', 'duration=10m');
    const name = job.metadata!.name!;
    await client.createJob(job, { dryRun: false });
    await waitFor('the pod to run', async () =>
      (await podsOf(namespace, name)).some(p => p.status?.phase === 'Running'),
    );

    await client.deleteJob(namespace, name);
    await waitFor('the Job to be gone', async () =>
      (await client.getJob(namespace, name)) === undefined ? true : undefined,
    );
    await waitFor('its pods to be gone', async () =>
      (await podsOf(namespace, name)).length === 0 ? true : undefined,
    );
    await expect(client.deleteJob(namespace, name)).resolves.toBeUndefined();
    await expect(
      client.deleteJob(`tenant-${tenantA}-nope`, name),
    ).resolves.toBeUndefined();
  });

  it("the backend's credentials cannot read Secrets or create pods", async () => {
    const namespace = `tenant-${tenantA}`;
    expect(await can('get', 'secrets', '', namespace)).toBe(false);
    expect(await can('list', 'secrets', '', namespace)).toBe(false);
    expect(await can('create', 'pods', '', namespace)).toBe(false);
    expect(await can('delete', 'namespaces', '')).toBe(false);
    // Roles are out of reach; RoleBindings only as the confinement policy
    // allows (confinement.integration.test.ts).
    expect(
      await can('create', 'roles', 'rbac.authorization.k8s.io', namespace),
    ).toBe(false);
    expect(await can('create', 'jobs', 'batch', namespace)).toBe(true);

    // A real attempt, and how the backend would report it.
    const backend = createKubeConfig(cluster).makeApiClient(CoreV1Api);
    const failure = await backend.listNamespacedSecret({ namespace }).then(
      () => undefined,
      (error: unknown) => error,
    );
    expect((failure as ApiException<unknown>).code).toBe(403);
    const mapped = toClusterError(failure, {
      cluster: 'local',
      action: `list Secrets in ${namespace}`,
    });
    expect(mapped.constructor).toBe(Error);
    expect(mapped.message).toContain(
      "must grant verb 'list' on resource 'secrets'",
    );
    expect(mapped.message).toContain(
      `system:serviceaccount:${backendNamespace}:tenant-jobs-backend`,
    );
  });

  it('getQuota and getJob answer undefined for a namespace that does not exist', async () => {
    const missing = `it-${run}-none`;
    await expect(client.getQuota(`tenant-${missing}`)).resolves.toBeUndefined();
    await expect(
      client.getJob(`tenant-${missing}`, 'x'),
    ).resolves.toBeUndefined();
    // ... while creating into it is a NotFoundError.
    const job = etlJob(missing, 'small', 'duration=1s');
    await expect(client.createJob(job, { dryRun: true })).rejects.toThrow(
      NotFoundError,
    );
  });
});
