/*
 * Integration tests: the local cluster's admission (Pod Security, ResourceQuota)
 * judges workloads like a production cluster does.
 */
import {
  BatchV1Api,
  CoreV1Api,
  KubeConfig,
  V1Pod,
} from '@kubernetes/client-node';
import {
  apiErrorMessage,
  createTestNamespace,
  loadTestKubeConfig,
  statusCode,
  TestNamespace,
  waitFor,
} from './cluster';
import {
  listEventsFor,
  listJobPods,
  restrictedContainer,
  simulatedJob,
} from './jobs';

jest.setTimeout(120_000);

const RESTRICTED_LABELS = {
  'pod-security.kubernetes.io/enforce': 'restricted',
  'pod-security.kubernetes.io/enforce-version': 'latest',
};

function privilegedPod(name: string): V1Pod {
  return {
    metadata: { name },
    spec: {
      restartPolicy: 'Never',
      containers: [
        {
          name: 'main',
          image: 'registry.invalid/tenant-jobs/simulated:1',
          securityContext: { privileged: true },
        },
      ],
    },
  };
}

describe('admission on the local cluster', () => {
  let kc: KubeConfig;
  let core: CoreV1Api;
  let batch: BatchV1Api;
  const namespaces: TestNamespace[] = [];

  beforeAll(() => {
    kc = loadTestKubeConfig();
    core = kc.makeApiClient(CoreV1Api);
    batch = kc.makeApiClient(BatchV1Api);
  });

  afterAll(async () => {
    await Promise.all(namespaces.map(ns => ns.cleanup()));
  });

  async function namespace(prefix: string, labels?: Record<string, string>) {
    const ns = await createTestNamespace(prefix, labels, { kubeConfig: kc });
    namespaces.push(ns);
    return ns.name;
  }

  it('rejects a pod that breaks the restricted Pod Security profile', async () => {
    const ns = await namespace('it-psa', RESTRICTED_LABELS);

    let rejection: unknown;
    try {
      await core.createNamespacedPod({
        namespace: ns,
        body: privilegedPod('privileged'),
      });
    } catch (error) {
      rejection = error;
    }
    expect(rejection).toBeDefined();
    expect(statusCode(rejection)).toBe(403);
    const message = apiErrorMessage(rejection);
    expect(message).toContain(
      'pods "privileged" is forbidden: violates PodSecurity "restricted:latest"',
    );
    expect(message).toContain('must not set securityContext.privileged=true');

    // The same namespace admits a pod that follows the profile.
    const admitted = await core.createNamespacedPod({
      namespace: ns,
      body: {
        metadata: { name: 'compliant' },
        spec: {
          restartPolicy: 'Never',
          automountServiceAccountToken: false,
          containers: [restrictedContainer()],
        },
      },
    });
    expect(admitted.metadata?.uid).toBeTruthy();
  });

  it('keeps the pods of a non-compliant Job out, with a FailedCreate event', async () => {
    const ns = await namespace('it-psa-job', RESTRICTED_LABELS);
    const body = simulatedJob({ name: 'root-job' });
    // Break the profile: ask for root and privilege escalation.
    const container = body.spec!.template.spec!.containers[0];
    container.securityContext = {
      ...container.securityContext,
      runAsNonRoot: false,
      runAsUser: 0,
      allowPrivilegeEscalation: true,
    };
    body.spec!.template.spec!.securityContext = {};

    // Pod Security only warns about workload objects; the Job is created...
    await batch.createNamespacedJob({ namespace: ns, body });
    // ...and its pods are refused when the Job controller creates them.
    const event = await waitFor('a FailedCreate event for root-job', async () =>
      (
        await listEventsFor(core, ns, 'Job', 'root-job')
      ).find(e => e.reason === 'FailedCreate'),
    );
    expect(event.type).toBe('Warning');
    expect(event.message).toContain('violates PodSecurity "restricted:latest"');
    expect(await listJobPods(core, ns, 'root-job')).toHaveLength(0);
  });

  it('leaves a Job beyond its namespace ResourceQuota without pods and with a FailedCreate event', async () => {
    const ns = await namespace('it-quota');
    await core.createNamespacedResourceQuota({
      namespace: ns,
      body: {
        metadata: { name: 'tenant-quota' },
        spec: {
          hard: {
            'requests.cpu': '500m',
            'limits.cpu': '500m',
            'requests.memory': '1Gi',
            'limits.memory': '1Gi',
            pods: '5',
          },
        },
      },
    });
    // Quota admission needs the quota's status, which the controller fills in.
    await waitFor('the quota to be computed', async () => {
      const quota = await core.readNamespacedResourceQuota({
        name: 'tenant-quota',
        namespace: ns,
      });
      return quota.status?.hard?.['requests.cpu'] ? quota : undefined;
    });

    await batch.createNamespacedJob({
      namespace: ns,
      body: simulatedJob({
        name: 'too-big',
        resources: {
          requests: { cpu: '2', memory: '512Mi' },
          limits: { cpu: '2', memory: '512Mi' },
        },
      }),
    });

    const event = await waitFor('a FailedCreate event for too-big', async () =>
      (
        await listEventsFor(core, ns, 'Job', 'too-big')
      ).find(e => e.reason === 'FailedCreate'),
    );
    expect(event.type).toBe('Warning');
    expect(event.message).toMatch(/exceeded quota: tenant-quota/);
    expect(event.message).toMatch(/requests\.cpu/);

    expect(await listJobPods(core, ns, 'too-big')).toHaveLength(0);
    const job = await batch.readNamespacedJob({
      name: 'too-big',
      namespace: ns,
    });
    expect(job.status?.active ?? 0).toBe(0);
    const quota = await core.readNamespacedResourceQuota({
      name: 'tenant-quota',
      namespace: ns,
    });
    expect(quota.status?.used?.pods).toBe('0');
  });
});
