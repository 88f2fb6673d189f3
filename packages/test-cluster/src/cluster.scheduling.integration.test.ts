/*
 * Integration tests: the local cluster's simulated nodes and the real
 * scheduler (capacity, zones, GPU taints and extended resources).
 */
import {
  BatchV1Api,
  CoreV1Api,
  KubeConfig,
  V1Node,
} from '@kubernetes/client-node';
import {
  createTestNamespace,
  loadTestKubeConfig,
  TestNamespace,
  waitFor,
} from './cluster';
import {
  GPU_TOLERATION,
  listJobPods,
  NODE_CLASS_LABEL,
  restrictedContainer,
  simulatedJob,
  waitForJobFinished,
} from './jobs';

jest.setTimeout(120_000);

const ZONE_LABEL = 'topology.kubernetes.io/zone';
const GPU = 'nvidia.com/gpu';

const GPU_RESOURCES = {
  requests: { cpu: '1', memory: '1Gi', [GPU]: '1' },
  limits: { cpu: '1', memory: '1Gi', [GPU]: '1' },
};

function isReady(node: V1Node): boolean {
  return (
    node.status?.conditions?.some(
      c => c.type === 'Ready' && c.status === 'True',
    ) ?? false
  );
}

describe('scheduling on the local cluster', () => {
  let core: CoreV1Api;
  let batch: BatchV1Api;
  let ns: TestNamespace;

  beforeAll(async () => {
    const kc: KubeConfig = loadTestKubeConfig();
    core = kc.makeApiClient(CoreV1Api);
    batch = kc.makeApiClient(BatchV1Api);
    ns = await createTestNamespace('it-sched', {}, { kubeConfig: kc });
  });

  afterAll(async () => {
    await ns?.cleanup();
  });

  it('has four CPU and two tainted GPU nodes, Ready, over two zones', async () => {
    const nodes = (await core.listNode()).items;
    const byClass = (cls: string) =>
      nodes.filter(n => n.metadata?.labels?.[NODE_CLASS_LABEL] === cls);
    const cpu = byClass('cpu');
    const gpu = byClass('gpu');
    expect(cpu).toHaveLength(4);
    expect(gpu).toHaveLength(2);
    for (const node of [...cpu, ...gpu]) {
      expect(isReady(node)).toBe(true);
    }
    for (const node of cpu) {
      expect(node.status?.allocatable).toMatchObject({
        cpu: '16',
        memory: '64Gi',
        pods: '110',
      });
      expect(node.status?.allocatable?.[GPU]).toBeUndefined();
      expect(node.spec?.taints ?? []).toHaveLength(0);
    }
    for (const node of gpu) {
      expect(node.status?.allocatable?.[GPU]).toBe('4');
      expect(node.spec?.taints).toEqual([
        expect.objectContaining({
          key: GPU,
          value: 'present',
          effect: 'NoSchedule',
        }),
      ]);
    }
    const zones = (list: V1Node[]) =>
      new Set(list.map(n => n.metadata?.labels?.[ZONE_LABEL]));
    expect(zones(cpu).size).toBe(2);
    expect(zones(gpu).size).toBe(2);
  });

  it('runs a GPU Job on a GPU node when it tolerates the GPU taint', async () => {
    const namespace = ns.name;
    await batch.createNamespacedJob({
      namespace,
      body: simulatedJob({
        name: 'gpu-tolerating',
        resources: GPU_RESOURCES,
        tolerations: [GPU_TOLERATION],
      }),
    });
    await waitForJobFinished(batch, namespace, 'gpu-tolerating', 'Complete');

    const [pod] = await listJobPods(core, namespace, 'gpu-tolerating');
    expect(pod.status?.phase).toBe('Succeeded');
    const node = await core.readNode({ name: pod.spec!.nodeName! });
    expect(node.metadata?.labels?.[NODE_CLASS_LABEL]).toBe('gpu');
  });

  it('keeps a GPU pod without the toleration Pending and unschedulable', async () => {
    const namespace = ns.name;
    await core.createNamespacedPod({
      namespace,
      body: {
        metadata: { name: 'gpu-untolerating' },
        spec: {
          restartPolicy: 'Never',
          automountServiceAccountToken: false,
          containers: [restrictedContainer('main', GPU_RESOURCES)],
        },
      },
    });

    const pod = await waitFor(
      'the scheduler to give up on gpu-untolerating',
      async () => {
        const p = await core.readNamespacedPod({
          name: 'gpu-untolerating',
          namespace,
        });
        const scheduled = p.status?.conditions?.find(
          c => c.type === 'PodScheduled',
        );
        return scheduled?.status === 'False' ? { p, scheduled } : undefined;
      },
    );
    expect(pod.scheduled.reason).toBe('Unschedulable');
    // CPU nodes have no GPUs; GPU nodes carry a taint it does not tolerate.
    expect(pod.scheduled.message).toMatch(/Insufficient nvidia\.com\/gpu/);
    expect(pod.scheduled.message).toMatch(/untolerated taint/);
    expect(pod.p.spec?.nodeName).toBeFalsy();
    expect(pod.p.status?.phase).toBe('Pending');
  });
});
