/*
 * Integration tests: Jobs on the local cluster (scripts/cluster/cluster.sh up).
 * The real Job controller runs them; KWOK plays the pods as the
 * tenant-jobs.io/simulate annotation asks.
 */
import { BatchV1Api, CoreV1Api, KubeConfig } from '@kubernetes/client-node';
import {
  createTestNamespace,
  loadTestKubeConfig,
  TestNamespace,
  waitFor,
} from './cluster';
import {
  listJobPods,
  NODE_CLASS_LABEL,
  simulatedJob,
  trueCondition,
  waitForJobFinished,
} from './jobs';

jest.setTimeout(120_000);

describe('Jobs on the local cluster', () => {
  let core: CoreV1Api;
  let batch: BatchV1Api;
  let ns: TestNamespace;

  beforeAll(async () => {
    const kc: KubeConfig = loadTestKubeConfig();
    core = kc.makeApiClient(CoreV1Api);
    batch = kc.makeApiClient(BatchV1Api);
    ns = await createTestNamespace('it-jobs', {}, { kubeConfig: kc });
  });

  afterAll(async () => {
    await ns?.cleanup();
  });

  it('runs a Job to completion: its pod goes Pending, Running, then Succeeded', async () => {
    const namespace = ns.name;
    await batch.createNamespacedJob({
      namespace,
      body: simulatedJob({ name: 'completes', simulate: 'duration=4s' }),
    });

    // While the simulated container runs, the Job is active and not complete.
    const running = await waitFor('the Job pod to run', async () => {
      const [pod] = await listJobPods(core, namespace, 'completes');
      return pod?.status?.phase === 'Running' ? pod : undefined;
    });
    expect(running.spec?.nodeName).toBeTruthy();
    expect(
      running.status?.containerStatuses?.[0]?.state?.running,
    ).toBeDefined();
    const active = await batch.readNamespacedJob({
      name: 'completes',
      namespace,
    });
    expect(trueCondition(active, 'Complete')).toBeUndefined();

    const { job } = await waitForJobFinished(
      batch,
      namespace,
      'completes',
      'Complete',
    );
    expect(job.status?.succeeded).toBe(1);
    expect(job.status?.failed ?? 0).toBe(0);

    const pods = await listJobPods(core, namespace, 'completes');
    expect(pods).toHaveLength(1);
    const [pod] = pods;
    expect(pod.status?.phase).toBe('Succeeded');
    const terminated = pod.status?.containerStatuses?.[0]?.state?.terminated;
    expect(terminated?.exitCode).toBe(0);
    expect(terminated?.reason).toBe('Completed');
    // It ran for the simulated duration (timestamps have 1s resolution).
    const ranForMs =
      (terminated?.finishedAt?.getTime() ?? 0) -
      (terminated?.startedAt?.getTime() ?? 0);
    expect(ranForMs).toBeGreaterThanOrEqual(3_000);
    expect(ranForMs).toBeLessThan(30_000);

    // A CPU job lands on a CPU node: GPU nodes are tainted.
    const node = await core.readNode({ name: pod.spec!.nodeName! });
    expect(node.metadata?.labels?.[NODE_CLASS_LABEL]).toBe('cpu');
  });

  it('fails a Job once its backoffLimit is used up', async () => {
    const namespace = ns.name;
    await batch.createNamespacedJob({
      namespace,
      body: simulatedJob({
        name: 'retries',
        simulate: 'fail',
        backoffLimit: 1,
      }),
    });

    const { job, condition } = await waitForJobFinished(
      batch,
      namespace,
      'retries',
      'Failed',
    );
    expect(condition.reason).toBe('BackoffLimitExceeded');
    expect(job.status?.failed).toBe(2);
    expect(job.status?.succeeded ?? 0).toBe(0);

    const pods = await listJobPods(core, namespace, 'retries');
    expect(pods).toHaveLength(2); // the first try and one retry
    for (const pod of pods) {
      expect(pod.status?.phase).toBe('Failed');
      expect(
        pod.status?.containerStatuses?.[0]?.state?.terminated?.exitCode,
      ).toBe(1);
    }
  });

  it('applies the podFailurePolicy to the simulated exit code', async () => {
    const namespace = ns.name;
    await batch.createNamespacedJob({
      namespace,
      body: simulatedJob({
        name: 'policy',
        simulate: 'fail=42',
        backoffLimit: 5,
        podFailurePolicy: {
          rules: [
            {
              action: 'FailJob',
              onExitCodes: {
                containerName: 'main',
                operator: 'In',
                values: [42],
              },
            },
          ],
        },
      }),
    });

    const { condition } = await waitForJobFinished(
      batch,
      namespace,
      'policy',
      'Failed',
    );
    // No retry despite backoffLimit 5: the policy failed the Job at once.
    expect(condition.reason).toBe('PodFailurePolicy');
    const pods = await listJobPods(core, namespace, 'policy');
    expect(pods).toHaveLength(1);
    expect(
      pods[0].status?.containerStatuses?.[0]?.state?.terminated?.exitCode,
    ).toBe(42);
  });

  it('stops a Job at its activeDeadlineSeconds and terminates its pod', async () => {
    const namespace = ns.name;
    await batch.createNamespacedJob({
      namespace,
      body: simulatedJob({
        name: 'deadline',
        simulate: 'duration=10m',
        activeDeadlineSeconds: 3,
      }),
    });

    const { job, condition } = await waitForJobFinished(
      batch,
      namespace,
      'deadline',
      'Failed',
    );
    expect(condition.reason).toBe('DeadlineExceeded');
    expect(job.status?.succeeded ?? 0).toBe(0);

    // The controller deleted the running pod; it was stopped (SIGTERM) and
    // removed.
    await waitFor('the deadline pod to be gone or stopped', async () => {
      const pods = await listJobPods(core, namespace, 'deadline');
      return pods.every(
        p =>
          p.status?.phase === 'Failed' &&
          p.status.containerStatuses?.[0]?.state?.terminated?.exitCode === 143,
      );
    });
    const finished = await batch.readNamespacedJob({
      name: 'deadline',
      namespace,
    });
    expect(finished.status?.active ?? 0).toBe(0);
  });

  it('serves the logs of a Job pod through the API', async () => {
    const namespace = ns.name;
    await batch.createNamespacedJob({
      namespace,
      body: simulatedJob({ name: 'logs' }),
    });
    await waitForJobFinished(batch, namespace, 'logs', 'Complete');
    const [pod] = await listJobPods(core, namespace, 'logs');

    const all = await core.readNamespacedPodLog({
      name: pod.metadata!.name!,
      namespace,
      container: 'main',
    });
    expect(all).toContain('tenant-jobs simulated container: starting');
    expect(all).toContain('tenant-jobs simulated container: working');
    expect(all).toContain('tenant-jobs simulated container: done');

    const last = await core.readNamespacedPodLog({
      name: pod.metadata!.name!,
      namespace,
      container: 'main',
      tailLines: 1,
    });
    expect(last.trim()).toBe('tenant-jobs simulated container: done');
  });
});
