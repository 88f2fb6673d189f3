/*
 * How far Tenant Jobs goes with Kueue's MultiKueue, on two local clusters:
 * the first (`tenant-jobs`) is the manager, the second (`tenant-jobs-2`)
 * the worker (`cluster.sh --name tenant-jobs multikueue-up tenant-jobs-2`:
 * Kueue v0.17 on both, out of cluster). A tenant's objects are built by
 * the plugin's own builders and applied on both clusters; its ClusterQueue
 * on the manager uses the MultiKueue AdmissionCheck. Jobs built by the
 * plugin's buildJob and queueWithKueue, with `spec.managedBy:
 * kueue.x-k8s.io/multikueue`, are created on the manager as the admin:
 * Kueue dispatches them to the worker, where their pods run (restricted
 * Pod Security, the tenant's quota), and copies the worker's Job status
 * back; the manager never runs a pod. A cancel (deleting the manager's
 * Job) removes the worker's copy.
 *
 * The plugin does not do this by itself yet: it has no MultiKueue mode
 * (it would set managedBy, provision the workers and read pods, logs and
 * events from the worker the Workload names). See the plugin README.
 */
import {
  BatchV1Api,
  CoreV1Api,
  CustomObjectsApi,
  KubeConfig,
  KubernetesObject,
  KubernetesObjectApi,
  PatchStrategy,
  V1Job,
} from '@kubernetes/client-node';
import {
  buildJob,
  buildKueueSharedObjects,
  buildKueueTenantQueues,
  buildPriorityClasses,
  buildRunName,
  buildTenantObjects,
  kueueClusterQueueName,
  queueWithKueue,
  TenantPlan,
} from '@tenant-jobs/plugin-tenant-jobs-common';
import { execFile } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import path from 'node:path';
import {
  adminKubeConfig,
  namespaceOf,
  REPO_ROOT,
  requiredParameters,
  testJobType,
  waitFor,
} from './__testUtils__/harness';

jest.setTimeout(900_000);

const WORKER = 'tenant-jobs-2';
const CHECK = 'tenant-jobs-multikueue';
const MANAGED_BY = 'kueue.x-k8s.io/multikueue';
const FIELD_MANAGER = 'tenant-jobs-it-multikueue';
const KUEUE = { group: 'kueue.x-k8s.io', version: 'v1beta2' };

const tenantId = `it-mk-${randomUUID().slice(0, 6)}`;
const namespace = namespaceOf(tenantId);
const plan: TenantPlan = {
  id: 'mk',
  maxTier: 'medium',
  maxConcurrentJobs: 10,
  quota: { cpu: '8', memory: '16Gi', pods: 20, jobs: 50 },
};
const jobType = testJobType('it-mk', { simulate: 'duration=8s' });

function clusterSh(args: string[]): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile(
      path.join(REPO_ROOT, 'scripts/cluster/cluster.sh'),
      args,
      { cwd: REPO_ROOT, timeout: 30 * 60_000, maxBuffer: 16 << 20 },
      (error, stdout, stderr) =>
        error
          ? reject(new Error(`cluster.sh ${args.join(' ')}: ${stderr}`))
          : resolve(`${stdout}${stderr}`),
    );
  });
}

type Side = {
  kc: KubeConfig;
  core: CoreV1Api;
  batch: BatchV1Api;
  custom: CustomObjectsApi;
};

function side(kc: KubeConfig): Side {
  return {
    kc,
    core: kc.makeApiClient(CoreV1Api),
    batch: kc.makeApiClient(BatchV1Api),
    custom: kc.makeApiClient(CustomObjectsApi),
  };
}

async function apply(kc: KubeConfig, objects: KubernetesObject[]) {
  const api = KubernetesObjectApi.makeApiClient(kc);
  for (const object of objects) {
    await api.patch(
      object,
      undefined,
      undefined,
      FIELD_MANAGER,
      true,
      PatchStrategy.ServerSideApply,
    );
  }
}

/** The tenant's objects as the plugin provisions them in kueue mode. */
function tenantObjects(options: { admissionCheck?: string }) {
  const queues = buildKueueTenantQueues(tenantId, plan);
  if (options.admissionCheck) {
    const clusterQueue = queues[0] as KubernetesObject & {
      spec: Record<string, unknown>;
    };
    clusterQueue.spec.admissionChecksStrategy = {
      admissionChecks: [{ name: options.admissionCheck }],
    };
  }
  return [
    ...(buildPriorityClasses() as KubernetesObject[]),
    ...buildKueueSharedObjects(),
    ...(buildTenantObjects(tenantId, plan) as KubernetesObject[]),
    ...queues,
  ];
}

function multiKueueJob(runId: string): V1Job {
  const job = queueWithKueue(
    buildJob(
      {
        tenantId,
        jobType: jobType.id,
        parameters: requiredParameters(jobType),
      },
      {
        jobType,
        namespace,
        runId,
        jobName: buildRunName(
          jobType.id,
          tenantId,
          new Date(),
          randomUUID()
            .replace(/[^a-z0-9]/g, '')
            .slice(0, 5),
        ),
        tier: 'micro',
        priority: 'normal',
      },
    ),
    'normal',
  );
  return { ...job, spec: { ...job.spec!, managedBy: MANAGED_BY } };
}

async function workloadOf(on: Side, job: V1Job) {
  const list = (await on.custom.listNamespacedCustomObject({
    ...KUEUE,
    namespace,
    plural: 'workloads',
    labelSelector: `kueue.x-k8s.io/job-uid=${job.metadata!.uid}`,
  })) as { items: Array<Record<string, any>> };
  return list.items[0];
}

async function readJob(on: Side, name: string) {
  try {
    return await on.batch.readNamespacedJob({ name, namespace });
  } catch (error) {
    if ((error as { code?: number }).code === 404) return undefined;
    throw error;
  }
}

describe('Tenant Jobs with MultiKueue (manager and worker, both local)', () => {
  let manager: Side;
  let worker: Side;
  const log: string[] = [];
  const note = (line: string) => log.push(line);

  /** The clusters whose Kueue this suite started, to stop it again. */
  const kueueStartedHere: string[] = [];

  beforeAll(async () => {
    await clusterSh(['--name', WORKER, 'status']);
    for (const cluster of ['tenant-jobs', WORKER]) {
      try {
        await clusterSh(['--name', cluster, 'kueue-status']);
      } catch {
        kueueStartedHere.push(cluster);
      }
    }
    note(
      (await clusterSh(['multikueue-up', WORKER])).trim().split('\n').pop()!,
    );
    manager = side(adminKubeConfig());
    worker = side(adminKubeConfig(WORKER));
    // The worker runs the pods: the tenant's namespace, quota, network
    // policy, runner account and queues, as the plugin provisions them.
    await apply(worker.kc, tenantObjects({}));
    // The manager queues and dispatches: its ClusterQueue asks MultiKueue.
    await apply(manager.kc, tenantObjects({ admissionCheck: CHECK }));
    await waitFor('both ClusterQueues to be active', async () => {
      for (const on of [manager, worker]) {
        const queue = (await on.custom.getClusterCustomObject({
          ...KUEUE,
          plural: 'clusterqueues',
          name: kueueClusterQueueName(tenantId),
        })) as { status?: { conditions?: Array<Record<string, string>> } };
        const active = queue.status?.conditions?.find(c => c.type === 'Active');
        if (active?.status !== 'True') return undefined;
      }
      return true;
    });
  });

  afterAll(async () => {
    process.stdout.write(`\n[multikueue] ${log.join('\n[multikueue] ')}\n`);
    for (const on of [manager, worker].filter(Boolean)) {
      await on.core
        .deleteNamespace({ name: namespace, propagationPolicy: 'Background' })
        .catch(() => undefined);
      await on.custom
        .deleteClusterCustomObject({
          ...KUEUE,
          plural: 'clusterqueues',
          name: kueueClusterQueueName(tenantId),
        })
        .catch(() => undefined);
    }
    await clusterSh(['multikueue-down']).catch(() => undefined);
    for (const cluster of kueueStartedHere) {
      await clusterSh(['--name', cluster, 'kueue-down']).catch(() => undefined);
    }
  });

  it("dispatches a tenant's hardened Job to the worker, runs it there and reports its status on the manager", async () => {
    const runId = randomUUID();
    const started = Date.now();
    const created = await manager.batch.createNamespacedJob({
      namespace,
      body: multiKueueJob(runId),
    });
    const name = created.metadata!.name!;
    note(`created Job ${name} on the manager (run ${runId})`);

    // Admitted through the AdmissionCheck onto the worker, which names it.
    const workload = await waitFor('the Workload to be admitted', async () => {
      const found = await workloadOf(manager, created);
      const check = found?.status?.admissionChecks?.find(
        (c: { name: string }) => c.name === CHECK,
      );
      return check?.state === 'Ready' ? found : undefined;
    });
    expect(workload.status.clusterName).toBe('worker');
    note(
      `manager Workload ${workload.metadata.name}: clusterName=${
        workload.status.clusterName
      }, check: ${
        workload.status.admissionChecks.find(
          (c: { name: string }) => c.name === CHECK,
        ).message
      }`,
    );

    // The worker's copy: same name, the run's labels, its pods run there.
    const copy = await waitFor('the worker copy', () => readJob(worker, name));
    expect(copy.metadata?.labels?.['tenant-jobs.io/run-id']).toBe(runId);
    expect(copy.metadata?.labels?.['kueue.x-k8s.io/multikueue-origin']).toBe(
      'multikueue',
    );
    expect(copy.spec?.managedBy).toBeUndefined();
    const pod = await waitFor('a running pod on the worker', async () => {
      const pods = await worker.core.listNamespacedPod({
        namespace,
        labelSelector: `tenant-jobs.io/run-id=${runId}`,
      });
      return pods.items.find(p => p.status?.phase === 'Running');
    });
    // Hardened as the plugin built it, admitted by restricted Pod Security.
    expect(pod.spec?.securityContext?.runAsNonRoot).toBe(true);
    expect(pod.spec?.automountServiceAccountToken).toBe(false);
    note(
      `worker pod ${pod.metadata!.name} on node ${
        pod.spec!.nodeName
      }, labels run-id=${pod.metadata!.labels!['tenant-jobs.io/run-id']}`,
    );
    // The log is where the pod runs.
    const podLog = await worker.core.readNamespacedPodLog({
      name: pod.metadata!.name!,
      namespace,
    });
    expect(podLog).toContain('tenant-jobs simulated container');

    // The manager's Job follows the worker's status; it never has a pod.
    const done = await waitFor(
      'the manager Job to complete',
      async () => {
        const job = await readJob(manager, name);
        return job?.status?.conditions?.some(
          c => c.type === 'Complete' && c.status === 'True',
        )
          ? job
          : undefined;
      },
      120_000,
    );
    expect(done.status?.succeeded).toBe(1);
    const managerPods = await manager.core.listNamespacedPod({ namespace });
    expect(managerPods.items).toEqual([]);
    note(
      `manager Job ${name}: Complete, succeeded=${done.status?.succeeded}, ${
        (Date.now() - started) / 1000
      }s after create; manager pods: ${managerPods.items.length}`,
    );
    // Kueue removes the worker's copy once the manager's is finished.
    await waitFor('the worker copy to be removed', async () =>
      (await readJob(worker, name)) ? undefined : true,
    );
    note('worker copy removed after completion');
  });

  it("removes the worker's copy when the manager's Job is deleted (a cancel)", async () => {
    const runId = randomUUID();
    const body = multiKueueJob(runId);
    body.spec!.template.metadata!.annotations = {
      ...body.spec!.template.metadata!.annotations,
      'tenant-jobs.io/simulate': 'duration=120s',
    };
    const created = await manager.batch.createNamespacedJob({
      namespace,
      body,
    });
    const name = created.metadata!.name!;
    await waitFor('a running pod on the worker', async () => {
      const pods = await worker.core.listNamespacedPod({
        namespace,
        labelSelector: `tenant-jobs.io/run-id=${runId}`,
      });
      return pods.items.some(p => p.status?.phase === 'Running') || undefined;
    });
    await manager.batch.deleteNamespacedJob({
      name,
      namespace,
      propagationPolicy: 'Background',
    });
    await waitFor('the worker copy and its pods to be gone', async () => {
      const pods = await worker.core.listNamespacedPod({
        namespace,
        labelSelector: `tenant-jobs.io/run-id=${runId}`,
      });
      return !(await readJob(worker, name)) && pods.items.length === 0
        ? true
        : undefined;
    });
    note(
      `cancel: deleting manager Job ${name} removed the worker's Job and pods`,
    );
  });
});
