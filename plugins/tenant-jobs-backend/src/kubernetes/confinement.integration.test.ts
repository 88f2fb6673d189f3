/*
 * Integration tests: least privilege enforced by the apiserver. The
 * backend's real credentials (a ServiceAccount bound to the shipped
 * ClusterRole tenant-jobs-backend only, with the shipped confinement policy
 * in place, see __testUtils__/backendIdentity.ts) against the local
 * kube-apiserver: what it must not do is refused by RBAC or by the
 * ValidatingAdmissionPolicy, and what the product needs still works. The
 * admin kubeconfig sets up, looks behind the backend's back and cleans up.
 */
/* eslint jest/expect-expect: ["warn", { "assertFunctionNames": ["expect", "expectPolicyRefusal", "expectRbacRefusal"] }] */
import { mockServices } from '@backstage/backend-test-utils';
import { ConflictError } from '@backstage/errors';
import {
  ApiException,
  BatchV1Api,
  CoreV1Api,
  EventsV1Api,
  KubeConfig,
  KubernetesObject,
  KubernetesObjectApi,
  NetworkingV1Api,
  PatchStrategy,
  RbacAuthorizationV1Api,
  RbacV1Subject,
  SchedulingV1Api,
  setHeaderOptions,
  V1Job,
  V1Namespace,
  Watch,
} from '@kubernetes/client-node';
import {
  buildJob,
  buildRunName,
  BUILT_IN_JOB_TYPES,
  DEFAULT_DENY_NETWORK_POLICY_NAME,
  managedLabelSelector,
  RUNNER_SERVICE_ACCOUNT_NAME,
  TENANT_LIMIT_RANGE_NAME,
  TENANT_QUOTA_NAME,
  TENANT_READER_CLUSTER_ROLE_NAME,
  TENANT_READER_ROLE_BINDING_NAME,
  TenantPlan,
} from '@tenant-jobs/plugin-tenant-jobs-common';
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {
  BackendIdentity,
  CONFINEMENT_POLICY,
  createBackendIdentity,
} from '../__tests__/__testUtils__/backendIdentity';
import { ClusterConfig } from '../config/readConfig';
import { KubernetesTenantClusters } from './KubernetesTenantClusters';
import { KubernetesTenantCluster } from './KubernetesTenantCluster';

jest.setTimeout(120_000);

const REPO_ROOT = path.resolve(__dirname, '../../../..');
const NAMESPACE_PATTERN = 'tenant-{tenant}';
const SIMULATE = 'tenant-jobs.io/simulate';
const JOB_NAME_LABEL = 'batch.kubernetes.io/job-name';
const MANAGED_BY = 'app.kubernetes.io/managed-by';
const TENANT = 'tenant-jobs.io/tenant';
const ENFORCE = 'pod-security.kubernetes.io/enforce';
const RBAC_GROUP = 'rbac.authorization.k8s.io';
/** Options of a JSON merge patch through the typed client-node APIs. */
const MERGE_PATCH = setHeaderOptions('Content-Type', PatchStrategy.MergePatch);
/** How the apiserver names the policy in a refusal. */
const BY_POLICY = `ValidatingAdmissionPolicy '${CONFINEMENT_POLICY}'`;

const plan: TenantPlan = {
  id: 'it-confined',
  maxTier: 'small',
  quota: { cpu: '2', memory: '4Gi', pods: 5, jobs: 10 },
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
    if ((error as ApiException<unknown>)?.code !== 404) throw error;
  }
}

/** The apiserver's refusal of `attempt`: its HTTP status and message. */
async function refusal(
  attempt: Promise<unknown>,
): Promise<{ code: number; message: string }> {
  const outcome = await attempt.then(
    () => undefined,
    (error: unknown) => error,
  );
  if (outcome === undefined) {
    throw new Error('The apiserver allowed what it should have refused');
  }
  const error = outcome as ApiException<unknown>;
  if (typeof error.code !== 'number') throw outcome;
  let message = String(error.body ?? '');
  try {
    message = (JSON.parse(message) as { message?: string }).message ?? message;
  } catch {
    // not JSON: keep the text
  }
  return { code: error.code, message };
}

/** Refused by RBAC: the ClusterRole does not grant it. */
async function expectRbacRefusal(attempt: Promise<unknown>): Promise<void> {
  const { code, message } = await refusal(attempt);
  expect(code).toBe(403);
  expect(message).toMatch(/cannot \S+ resource|not currently held/);
}

/** Refused by the confinement policy, with `reason` in its message. */
async function expectPolicyRefusal(
  attempt: Promise<unknown>,
  reason: string | RegExp,
): Promise<void> {
  const { code, message } = await refusal(attempt);
  expect(code).toBe(403);
  expect(message).toContain(BY_POLICY);
  expect(message).toContain('Tenant Jobs confinement:');
  expect(message).toMatch(reason);
}

function simpleJob(name: string): V1Job {
  return {
    metadata: { name },
    spec: {
      template: {
        spec: {
          restartPolicy: 'Never',
          containers: [{ name: 'main', image: 'busybox:1.37' }],
        },
      },
    },
  };
}

describe('the backend confined by the apiserver', () => {
  const run = randomBytes(4).toString('hex');
  const backendNamespace = `tj-it-conf-${run}`;
  const bindingName = `tenant-jobs-it-conf-${run}`;
  const tenant = `it-${run}-c`;
  const namespace = `tenant-${tenant}`;
  /** A namespace Tenant Jobs does not manage, with a running pod. */
  const plainNamespace = `tj-it-conf-${run}-plain`;
  const plainPod = 'plain-pod';
  /** A namespace that holds the name a tenant's namespace would get. */
  const takenTenant = `it-${run}-taken`;
  const takenNamespace = `tenant-${takenTenant}`;
  /** A namespace managed by Tenant Jobs for another tenant. */
  const otherTenant = `it-${run}-other`;
  const otherNamespace = `tenant-${otherTenant}`;
  const foreignPriorityClasses = [
    `it-foreign-${run}`,
    `tenant-jobs-it-${run}-default`,
    `tenant-jobs-it-${run}-high`,
  ];
  const wildcardBinding = `tenant-jobs-it-conf-${run}-admin`;
  const wildcardAccount = 'gitops';

  let kc: KubeConfig;
  let admin: {
    core: CoreV1Api;
    batch: BatchV1Api;
    rbac: RbacAuthorizationV1Api;
    scheduling: SchedulingV1Api;
  };
  let identity: BackendIdentity;
  let tmpDir: string;
  /** The backend's own credentials, through plain client-node APIs. */
  let as: {
    core: CoreV1Api;
    batch: BatchV1Api;
    events: EventsV1Api;
    rbac: RbacAuthorizationV1Api;
    scheduling: SchedulingV1Api;
    objects: KubernetesObjectApi;
  };
  /** ... and through the product's client. */
  let client: KubernetesTenantCluster;
  const self = (): RbacV1Subject => ({
    kind: 'ServiceAccount',
    name: identity.serviceAccount,
    namespace: identity.namespace,
  });

  beforeAll(async () => {
    kc = adminKubeConfig();
    admin = {
      core: kc.makeApiClient(CoreV1Api),
      batch: kc.makeApiClient(BatchV1Api),
      rbac: kc.makeApiClient(RbacAuthorizationV1Api),
      scheduling: kc.makeApiClient(SchedulingV1Api),
    };
    tmpDir = fs.mkdtempSync(path.join(os.tmpdir(), 'tj-it-conf-'));
    identity = await createBackendIdentity(kc, {
      namespace: backendNamespace,
      bindingName,
      tokenDir: tmpDir,
    });
    const backendKc = identity.kubeConfig;
    as = {
      core: backendKc.makeApiClient(CoreV1Api),
      batch: backendKc.makeApiClient(BatchV1Api),
      events: backendKc.makeApiClient(EventsV1Api),
      rbac: backendKc.makeApiClient(RbacAuthorizationV1Api),
      scheduling: backendKc.makeApiClient(SchedulingV1Api),
      objects: KubernetesObjectApi.makeApiClient(backendKc),
    };
    const adminCluster = kc.getCurrentCluster()!;
    const cluster: ClusterConfig = {
      name: 'local',
      url: adminCluster.server,
      caData: adminCluster.caData,
      caFile: adminCluster.caFile,
      auth: { type: 'serviceAccountToken', tokenFile: identity.tokenFile },
    };
    client = KubernetesTenantCluster.fromConfig(cluster, {
      logger: mockServices.logger.mock(),
    });

    // Behind the backend's back: a namespace nobody labelled, with a pod
    // (KWOK runs it), a secret, and a RoleBinding-worthy Role.
    await admin.core.createNamespace({
      body: { metadata: { name: plainNamespace, labels: { team: 'other' } } },
    });
    await admin.core.createNamespacedPod({
      namespace: plainNamespace,
      body: {
        metadata: { name: plainPod },
        spec: {
          restartPolicy: 'Never',
          containers: [{ name: 'main', image: 'busybox:1.37' }],
        },
      },
    });
    await admin.core.createNamespacedSecret({
      namespace: plainNamespace,
      body: {
        metadata: { name: 'plain-secret' },
        stringData: { password: 'not-for-the-backend' },
      },
    });
    await waitFor('the plain pod to run', async () => {
      const pod = await admin.core.readNamespacedPod({
        namespace: plainNamespace,
        name: plainPod,
      });
      return pod.status?.phase === 'Running';
    });
  });

  afterAll(async () => {
    if (admin) {
      const { core, scheduling, rbac, batch } = admin;
      for (const name of [
        namespace,
        plainNamespace,
        takenNamespace,
        otherNamespace,
      ]) {
        await ignoreNotFound(() =>
          core.deleteNamespace({ name, propagationPolicy: 'Background' }),
        );
      }
      for (const name of foreignPriorityClasses) {
        await ignoreNotFound(() => scheduling.deletePriorityClass({ name }));
      }
      await ignoreNotFound(() =>
        rbac.deleteClusterRoleBinding({ name: wildcardBinding }),
      );
      // Should a refusal below have failed, nothing stays behind.
      for (const ns of ['default', 'kube-system']) {
        await ignoreNotFound(() =>
          batch.deleteNamespacedJob({
            namespace: ns,
            name: `tj-it-conf-${run}`,
            propagationPolicy: 'Background',
          }),
        );
      }
    }
    await identity?.cleanUp();
    if (tmpDir) fs.rmSync(tmpDir, { recursive: true, force: true });
  });

  /** The tenant, provisioned as the product does it. */
  let provisioned: Promise<string> | undefined;
  function provision(): Promise<string> {
    provisioned ??= client
      .ensurePriorityClasses()
      .then(() => client.provisionTenant(tenant, plan, NAMESPACE_PATTERN));
    return provisioned;
  }

  describe('can do everything the product needs', () => {
    it('provisions a tenant with all its objects, its reader RoleBinding bound to itself', async () => {
      await expect(provision()).resolves.toBe(namespace);

      const ns = await admin.core.readNamespace({ name: namespace });
      expect(ns.metadata?.labels).toMatchObject({
        [MANAGED_BY]: 'tenant-jobs',
        [TENANT]: tenant,
        [ENFORCE]: 'restricted',
      });
      await admin.core.readNamespacedResourceQuota({
        namespace,
        name: TENANT_QUOTA_NAME,
      });
      await admin.core.readNamespacedLimitRange({
        namespace,
        name: TENANT_LIMIT_RANGE_NAME,
      });
      await kc.makeApiClient(NetworkingV1Api).readNamespacedNetworkPolicy({
        namespace,
        name: DEFAULT_DENY_NETWORK_POLICY_NAME,
      });
      await admin.core.readNamespacedServiceAccount({
        namespace,
        name: RUNNER_SERVICE_ACCOUNT_NAME,
      });
      const binding = await admin.rbac.readNamespacedRoleBinding({
        namespace,
        name: TENANT_READER_ROLE_BINDING_NAME,
      });
      expect(binding.roleRef).toEqual({
        apiGroup: RBAC_GROUP,
        kind: 'ClusterRole',
        name: TENANT_READER_CLUSTER_ROLE_NAME,
      });
      expect(binding.subjects).toEqual([self()]);
      for (const name of [
        'tenant-jobs-critical',
        'tenant-jobs-high',
        'tenant-jobs-normal',
        'tenant-jobs-low',
        'tenant-jobs-batch',
      ]) {
        await admin.scheduling.readPriorityClass({ name });
      }

      // Applying it all again, as every few minutes, is admitted too.
      const fresh = KubernetesTenantClusters.fromConfig(
        [
          {
            name: 'local',
            url: identity.server,
            caData: Buffer.from(identity.caPem).toString('base64'),
            auth: {
              type: 'serviceAccountToken',
              tokenFile: identity.tokenFile,
            },
          },
        ],
        { logger: mockServices.logger.mock() },
      ).get('local');
      await expect(
        fresh.provisionTenant(tenant, plan, NAMESPACE_PATTERN),
      ).resolves.toBe(namespace);
    });

    it('creates, reads and deletes a Job there, and reads its pod log and events', async () => {
      await provision();
      const suffix = `${run.slice(0, 4)}1`;
      const job = buildJob(
        {
          tenantId: tenant,
          jobType: 'data-etl',
          parameters: { source: 'events-db', destination: 'warehouse' },
        },
        {
          jobType: BUILT_IN_JOB_TYPES['data-etl'],
          namespace,
          runId: `run-${suffix}`,
          jobName: buildRunName('data-etl', tenant, new Date(), suffix),
          tier: 'small',
          priority: 'normal',
          annotations: { [SIMULATE]: 'duration=10m' },
        },
      );
      const name = job.metadata!.name!;
      await client.createJob(job, { dryRun: false });
      expect(
        (await client.getJob(namespace, name))?.metadata?.uid,
      ).toBeTruthy();

      const pod = await waitFor('the Job to run a pod', async () => {
        const pods = await as.core.listNamespacedPod({
          namespace,
          labelSelector: `${JOB_NAME_LABEL}=${name}`,
        });
        return pods.items.find(p => p.status?.phase === 'Running');
      });
      const podName = pod.metadata!.name!;
      const log = await client.readPodLog(namespace, podName, {
        limitBytes: 4096,
      });
      expect(log?.log.length).toBeGreaterThan(0);
      const events = await waitFor('the Job events', async () => {
        const list = await client.listRunEvents(namespace, name, [podName]);
        return list.some(e => e.reason === 'SuccessfulCreate')
          ? list
          : undefined;
      });
      expect(events.map(e => e.objectKind)).toContain('Job');
      // events.k8s.io too, as the reader role grants.
      await as.events.listNamespacedEvent({ namespace });

      // Cluster-wide, by the managed label only: the tracker's list+watch.
      const selector = managedLabelSelector();
      const jobs = await as.batch.listJobForAllNamespaces({
        labelSelector: selector,
      });
      expect(jobs.items.map(j => j.metadata?.name)).toContain(name);
      const pods = await as.core.listPodForAllNamespaces({
        labelSelector: selector,
      });
      expect(pods.items.map(p => p.metadata?.name)).toContain(podName);
      const seen = await new Promise<string[]>((resolve, reject) => {
        const names: string[] = [];
        let request: { abort(): void } | undefined;
        new Watch(identity.kubeConfig)
          .watch(
            '/api/v1/pods',
            { labelSelector: selector },
            (_type: string, object: KubernetesObject) => {
              names.push(object.metadata?.name ?? '');
              if (names.includes(podName)) {
                request?.abort();
                resolve(names);
              }
            },
            error => {
              if (!names.includes(podName)) {
                reject(error ?? new Error('the watch ended'));
              }
            },
          )
          .then(r => {
            request = r;
          }, reject);
      });
      expect(seen).toContain(podName);

      await client.deleteJob(namespace, name);
      await waitFor(
        'the Job to be gone',
        async () => (await client.getJob(namespace, name)) === undefined,
      );
    });
  });

  describe('cannot leave the tenant namespaces', () => {
    it.each(['default', 'kube-system'])(
      'cannot create a Job in %s',
      async ns => {
        await expectPolicyRefusal(
          as.batch.createNamespacedJob({
            namespace: ns,
            body: simpleJob(`tj-it-conf-${run}`),
          }),
          `may not create jobs tj-it-conf-${run} in namespace ${ns}: it writes only in namespaces managed by Tenant Jobs`,
        );
      },
    );

    it('cannot write guard rails, service accounts or role bindings outside them', async () => {
      await expectPolicyRefusal(
        as.core.createNamespacedServiceAccount({
          namespace: plainNamespace,
          body: { metadata: { name: 'sneaky' } },
        }),
        `namespace ${plainNamespace} is not one`,
      );
      await expectPolicyRefusal(
        as.core.createNamespacedResourceQuota({
          namespace: 'kube-system',
          body: {
            metadata: { name: 'squeeze' },
            spec: { hard: { pods: '0' } },
          },
        }),
        'namespace kube-system is not one',
      );
      await expectPolicyRefusal(
        as.rbac.createNamespacedRoleBinding({
          namespace: plainNamespace,
          body: {
            metadata: { name: TENANT_READER_ROLE_BINDING_NAME },
            roleRef: {
              apiGroup: RBAC_GROUP,
              kind: 'ClusterRole',
              name: TENANT_READER_CLUSTER_ROLE_NAME,
            },
            subjects: [self()],
          },
        }),
        `namespace ${plainNamespace} is not one`,
      );
    });

    it('cannot patch a namespace it does not manage, not even to adopt it', async () => {
      const before = await admin.core.readNamespace({ name: plainNamespace });
      await expectPolicyRefusal(
        as.core.patchNamespace(
          {
            name: plainNamespace,
            body: {
              metadata: {
                labels: {
                  [MANAGED_BY]: 'tenant-jobs',
                  [TENANT]: 'thief',
                  [ENFORCE]: 'restricted',
                },
              },
            },
          },
          MERGE_PATCH,
        ),
        `may not change namespace ${plainNamespace}: it exists and is not managed by Tenant Jobs`,
      );
      await expectPolicyRefusal(
        as.objects.patch(
          {
            apiVersion: 'v1',
            kind: 'Namespace',
            metadata: {
              name: 'kube-system',
              labels: { [ENFORCE]: 'restricted' },
            },
          } as V1Namespace,
          undefined,
          undefined,
          'tenant-jobs',
          true,
          PatchStrategy.ServerSideApply,
        ),
        'may not change namespace kube-system',
      );
      const after = await admin.core.readNamespace({ name: plainNamespace });
      expect(after.metadata?.labels).toEqual(before.metadata?.labels);
      await expectRbacRefusal(
        as.core.deleteNamespace({ name: plainNamespace }),
      );
    });

    it('cannot create a namespace that is not a restricted tenant namespace', async () => {
      const attempt = (labels: Record<string, string>) =>
        as.core.createNamespace({
          body: { metadata: { name: `tj-it-conf-${run}-new`, labels } },
        });
      await expectPolicyRefusal(
        attempt({}),
        'without the labels app.kubernetes.io/managed-by=tenant-jobs and tenant-jobs.io/tenant',
      );
      await expectPolicyRefusal(
        attempt({ [MANAGED_BY]: 'tenant-jobs', [TENANT]: 'x' }),
        'unless it enforces Pod Security restricted',
      );
      await expectPolicyRefusal(
        attempt({
          [MANAGED_BY]: 'tenant-jobs',
          [TENANT]: 'x',
          [ENFORCE]: 'privileged',
        }),
        'unless it enforces Pod Security restricted',
      );
    });

    it('cannot strip Pod Security or the managed labels from its own namespace, nor move it to another tenant', async () => {
      await provision();
      const before = await admin.core.readNamespace({ name: namespace });
      const patchLabels = (labels: Record<string, string | null>) =>
        as.core.patchNamespace(
          { name: namespace, body: { metadata: { labels } } },
          MERGE_PATCH,
        );
      await expectPolicyRefusal(
        patchLabels({ [ENFORCE]: null }),
        'unless it enforces Pod Security restricted',
      );
      await expectPolicyRefusal(
        patchLabels({ [ENFORCE]: 'privileged' }),
        'unless it enforces Pod Security restricted',
      );
      await expectPolicyRefusal(
        patchLabels({ 'pod-security.kubernetes.io/enforce-version': 'v1.20' }),
        'enforce-version latest or unset',
      );
      await expectPolicyRefusal(
        patchLabels({ [MANAGED_BY]: null }),
        'without the labels app.kubernetes.io/managed-by=tenant-jobs',
      );
      await expectPolicyRefusal(
        patchLabels({ [TENANT]: otherTenant }),
        `may not move namespace ${namespace} from tenant ${tenant} to tenant ${otherTenant}`,
      );
      const after = await admin.core.readNamespace({ name: namespace });
      expect(after.metadata?.labels).toEqual(before.metadata?.labels);
      expect(after.metadata?.resourceVersion).toBe(
        before.metadata?.resourceVersion,
      );
      await expectRbacRefusal(as.core.deleteNamespace({ name: namespace }));
    });

    it("cannot label objects in a tenant's namespace for another tenant", async () => {
      await provision();
      await expectPolicyRefusal(
        as.core.createNamespacedServiceAccount({
          namespace,
          body: {
            metadata: {
              name: 'mislabelled',
              labels: { [TENANT]: otherTenant },
            },
          },
        }),
        `labelled for tenant ${otherTenant}: namespace ${namespace} belongs to tenant ${tenant}`,
      );
    });
  });

  describe('cannot read what is not its own', () => {
    it('cannot read a Secret anywhere', async () => {
      await provision();
      await admin.core.createNamespacedSecret({
        namespace,
        body: {
          metadata: { name: 'tenant-secret' },
          stringData: { token: 'tenant-only' },
        },
      });
      for (const [ns, name] of [
        [namespace, 'tenant-secret'],
        [plainNamespace, 'plain-secret'],
      ]) {
        await expectRbacRefusal(
          as.core.readNamespacedSecret({ namespace: ns, name }),
        );
        await expectRbacRefusal(
          as.core.listNamespacedSecret({ namespace: ns }),
        );
      }
      await expectRbacRefusal(as.core.listSecretForAllNamespaces());
    });

    it('cannot read a pod log or list events outside its tenant namespaces', async () => {
      await expectRbacRefusal(
        as.core.readNamespacedPodLog({
          namespace: plainNamespace,
          name: plainPod,
        }),
      );
      await expectRbacRefusal(
        as.core.listNamespacedEvent({ namespace: plainNamespace }),
      );
      await expectRbacRefusal(
        as.core.listNamespacedEvent({ namespace: 'kube-system' }),
      );
      await expectRbacRefusal(
        as.events.listNamespacedEvent({ namespace: plainNamespace }),
      );
      await expectRbacRefusal(as.core.listEventForAllNamespaces());
      await expectRbacRefusal(as.events.listEventForAllNamespaces());
      // ... and the product's client says where that access comes from.
      await expect(
        client.readPodLog(plainNamespace, plainPod, { limitBytes: 1024 }),
      ).rejects.toThrow(/RoleBinding tenant-jobs-backend-tenant-reader/);
    });
  });

  describe('cannot grant access', () => {
    const binding = (
      name: string,
      roleRef: { kind: string; name: string },
      subjects: RbacV1Subject[],
    ) =>
      as.rbac.createNamespacedRoleBinding({
        namespace,
        body: {
          metadata: { name },
          roleRef: { apiGroup: RBAC_GROUP, ...roleRef },
          subjects,
        },
      });

    it('cannot bind another role, even one whose rights it holds', async () => {
      await provision();
      // RBAC refuses roles it may not bind ...
      await expectRbacRefusal(
        binding('it-admin', { kind: 'ClusterRole', name: 'admin' }, [self()]),
      );
      // ... the policy refuses any other role, also one RBAC would let it
      // bind because it holds all its rights.
      await admin.rbac.createNamespacedRole({
        namespace,
        body: {
          metadata: { name: 'pod-reader' },
          rules: [{ apiGroups: [''], resources: ['pods'], verbs: ['get'] }],
        },
      });
      await expectPolicyRefusal(
        binding('it-pod-reader', { kind: 'Role', name: 'pod-reader' }, [
          self(),
        ]),
        'may only bind the ClusterRole tenant-jobs-backend-tenant-reader',
      );
    });

    it('cannot bind its reader role to anyone but itself', async () => {
      await provision();
      const reader = {
        kind: 'ClusterRole',
        name: TENANT_READER_CLUSTER_ROLE_NAME,
      };
      for (const subjects of [
        [{ kind: 'ServiceAccount', name: 'default', namespace }],
        [self(), { kind: 'ServiceAccount', name: 'default', namespace }],
        [{ kind: 'Group', apiGroup: RBAC_GROUP, name: 'system:authenticated' }],
        [{ kind: 'User', apiGroup: RBAC_GROUP, name: identity.username }],
      ] as RbacV1Subject[][]) {
        await expectPolicyRefusal(
          binding(
            `it-reader-${randomBytes(3).toString('hex')}`,
            reader,
            subjects,
          ),
          `may not grant a role to anyone but itself (${identity.username})`,
        );
      }
      await expectRbacRefusal(
        as.rbac.createClusterRoleBinding({
          body: {
            metadata: { name: `tj-it-conf-${run}` },
            roleRef: { apiGroup: RBAC_GROUP, ...reader },
            subjects: [self()],
          },
        }),
      );
    });
  });

  describe('cannot touch foreign PriorityClasses', () => {
    it('creates only tenant-jobs-* classes, never the default, never at system level', async () => {
      const [foreign, asDefault, tooHigh] = foreignPriorityClasses;
      await expectPolicyRefusal(
        as.scheduling.createPriorityClass({
          body: { metadata: { name: foreign }, value: 10 },
        }),
        `may not create PriorityClass ${foreign}: its PriorityClasses are named tenant-jobs-*`,
      );
      await expectPolicyRefusal(
        as.scheduling.createPriorityClass({
          body: {
            metadata: { name: asDefault },
            value: 10,
            globalDefault: true,
          },
        }),
        'may not be the global default',
      );
      await expectPolicyRefusal(
        as.scheduling.createPriorityClass({
          body: { metadata: { name: tooHigh }, value: 1000000000 },
        }),
        'reserved for system components',
      );
      await expectRbacRefusal(
        as.scheduling.patchPriorityClass(
          {
            name: 'system-cluster-critical',
            body: { description: 'mine now' },
          },
          MERGE_PATCH,
        ),
      );
      for (const name of foreignPriorityClasses) {
        await expect(
          admin.scheduling.readPriorityClass({ name }).then(
            () => 'exists',
            e => (e as ApiException<unknown>).code,
          ),
        ).resolves.toBe(404);
      }
    });
  });

  describe('provisioning a tenant whose namespace exists already', () => {
    it.each([
      ['unlabelled', () => ({ team: 'payments' })],
      [
        'managed for another tenant',
        () => ({
          [MANAGED_BY]: 'tenant-jobs',
          [TENANT]: otherTenant,
          [ENFORCE]: 'restricted',
        }),
      ],
    ])(
      'is refused with a clear message when it is %s, and changes nothing',
      async (_, labels) => {
        await ignoreNotFound(() =>
          admin.core.deleteNamespace({ name: takenNamespace }),
        );
        await waitFor('the namespace to be free', async () =>
          admin.core.readNamespace({ name: takenNamespace }).then(
            () => false,
            e => (e as ApiException<unknown>).code === 404,
          ),
        );
        await admin.core.createNamespace({
          body: { metadata: { name: takenNamespace, labels: labels() } },
        });
        const before = await admin.core.readNamespace({ name: takenNamespace });

        const attempt = client.provisionTenant(
          takenTenant,
          plan,
          NAMESPACE_PATTERN,
        );
        await expect(attempt).rejects.toThrow(ConflictError);
        await expect(attempt).rejects.toThrow(
          `namespace ${takenNamespace} exists and is not managed by Tenant Jobs for this tenant`,
        );
        await expect(attempt).rejects.toThrow('It was left unchanged');

        const after = await admin.core.readNamespace({ name: takenNamespace });
        expect(after.metadata?.labels).toEqual(before.metadata?.labels);
        expect(after.metadata?.resourceVersion).toBe(
          before.metadata?.resourceVersion,
        );
        const quotas = await admin.core.listNamespacedResourceQuota({
          namespace: takenNamespace,
        });
        expect(quotas.items).toEqual([]);
        const bindings = await admin.rbac.listNamespacedRoleBinding({
          namespace: takenNamespace,
        });
        expect(bindings.items).toEqual([]);
      },
    );
  });

  it('does not confine holders of every permission (cluster-admin, GitOps controllers)', async () => {
    await admin.core.createNamespacedServiceAccount({
      namespace: backendNamespace,
      body: { metadata: { name: wildcardAccount } },
    });
    // cluster-admin's wildcard grants the marker permission too, and the
    // never-granted probe: the policy does not match.
    await admin.rbac.createClusterRoleBinding({
      body: {
        metadata: { name: wildcardBinding },
        roleRef: {
          apiGroup: RBAC_GROUP,
          kind: 'ClusterRole',
          name: 'cluster-admin',
        },
        subjects: [
          {
            kind: 'ServiceAccount',
            name: wildcardAccount,
            namespace: backendNamespace,
          },
        ],
      },
    });
    const token = (
      await admin.core.createNamespacedServiceAccountToken({
        name: wildcardAccount,
        namespace: backendNamespace,
        body: { spec: { audiences: [], expirationSeconds: 600 } },
      })
    ).status!.token!;
    const gitops = new KubeConfig();
    gitops.loadFromOptions({
      clusters: [
        {
          name: 'local',
          server: identity.server,
          caData: Buffer.from(identity.caPem).toString('base64'),
        },
      ],
      users: [{ name: wildcardAccount, token }],
      contexts: [{ name: 'local', cluster: 'local', user: wildcardAccount }],
      currentContext: 'local',
    });
    const batch = gitops.makeApiClient(BatchV1Api);
    // What the policy refuses the backend, it admits here (a dry run).
    const admitted = await waitFor('cluster-admin to take effect', () =>
      batch.createNamespacedJob({
        namespace: 'default',
        dryRun: 'All',
        body: simpleJob(`tj-it-conf-${run}`),
      }),
    );
    expect(admitted.metadata?.namespace).toBe('default');
  });
});
