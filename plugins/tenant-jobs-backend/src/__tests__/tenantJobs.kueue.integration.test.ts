/*
 * The Kueue switch (`tenantJobs.queue.mode: kueue`) against Kueue running
 * on the local cluster (started by this suite unless it already runs):
 * the ten submissions of the built-in queue's suite, with the limit of two
 * expressed as the tenant's ClusterQueue quota (twice the tier's cpu), are
 * all handed to Kueue at once as suspended Jobs in the tenant's
 * LocalQueue, and Kueue admits them within the quota and in priority
 * order. A waiting run's status and reason are its Workload's.
 */
import { TestDatabases } from '@backstage/backend-test-utils';
import {
  CustomObjectsApi,
  KubernetesObject,
  Watch,
} from '@kubernetes/client-node';
import {
  getTier,
  KUEUE_LABELS,
  KUEUE_LOCAL_QUEUE_NAME,
  KUEUE_RESOURCE_FLAVOR_NAME,
  kueueClusterQueueName,
  parseQuantity,
  PriorityId,
  TenantJobRun,
} from '@tenant-jobs/plugin-tenant-jobs-common';
import request from 'supertest';
import {
  adminKubeConfig,
  namespaceOf,
  startTenantJobsTestBackend,
  TenantJobsTestEnv,
  testJobType,
  waitFor,
} from './__testUtils__/harness';
import { ensureKueue, KueueForSuite } from './__testUtils__/kueue';

jest.setTimeout(600_000);

const databases = TestDatabases.create({ ids: ['SQLITE_3'] });

const PROBE = 'kueue-probe';
const LIMIT = 2;
const TIER = getTier('micro');
const QUOTA_CPU_MILLI = LIMIT * Math.round(parseQuantity(TIER.cpu)! * 1000);
const FINAL = ['Succeeded', 'Failed', 'Cancelled'];
/** Admissions closer than this belong to one round (a run takes 8 s). */
const ROUND_GAP_MS = 3_000;
const KUEUE = { group: 'kueue.x-k8s.io', version: 'v1beta2' };
const RANK: Record<string, number> = {
  critical: 4,
  high: 3,
  normal: 2,
  low: 1,
  batch: 0,
};

type Condition = {
  type: string;
  status: string;
  reason?: string;
  message?: string;
};
type Workload = KubernetesObject & {
  metadata: { name: string; uid: string; creationTimestamp?: string };
  status?: { conditions?: Condition[] };
};

const conditionOf = (workload: Workload, type: string) =>
  workload.status?.conditions?.find(c => c.type === type);
const isTrue = (workload: Workload, type: string) =>
  conditionOf(workload, type)?.status === 'True';
/** Kueue's words as the backend writes them: whitespace squashed, a full stop. */
const sentence = (text: string) => {
  const squashed = text.replace(/\s+/g, ' ').trim();
  return /[.!?]$/.test(squashed) ? squashed : `${squashed}.`;
};
const jobUidOf = (workload: Workload) =>
  workload.metadata.labels?.[KUEUE_LABELS.jobUid];

/**
 * Every Workload event of a namespace, in the apiserver's order: when each
 * Workload appeared, when Kueue reserved quota for it, and how many held
 * quota at once.
 */
class WorkloadRecorder {
  private index = 0;
  readonly added = new Map<string, number>();
  /** When Kueue reserved quota: the event's place, and when it came. */
  readonly reserved = new Map<string, { index: number; ms: number }>();
  readonly latest = new Map<string, Workload>();
  /** Every QuotaReserved=False condition (why it waits) each one had. */
  readonly waitingConditions = new Map<string, Condition[]>();
  private readonly holding = new Set<string>();
  mostAtOnce = 0;
  private controller?: AbortController;

  async start(namespace: string) {
    const watch = new Watch(adminKubeConfig());
    this.controller = await watch.watch(
      `/apis/${KUEUE.group}/${KUEUE.version}/namespaces/${namespace}/workloads`,
      { timeoutSeconds: 900 },
      (type, workload: Workload) => this.onEvent(type, workload),
      () => undefined,
    );
  }

  stop() {
    this.controller?.abort();
  }

  private onEvent(type: string, workload: Workload) {
    const uid = jobUidOf(workload);
    if (!uid || type === 'BOOKMARK' || type === 'ERROR') return;
    this.index += 1;
    this.latest.set(uid, workload);
    if (!this.added.has(uid)) this.added.set(uid, this.index);
    const waiting = conditionOf(workload, 'QuotaReserved');
    if (waiting?.status === 'False' && waiting.message) {
      const known = this.waitingConditions.get(uid) ?? [];
      if (
        !known.some(
          c => c.reason === waiting.reason && c.message === waiting.message,
        )
      ) {
        this.waitingConditions.set(uid, [...known, waiting]);
      }
    }
    const holds =
      type !== 'DELETED' &&
      isTrue(workload, 'QuotaReserved') &&
      !isTrue(workload, 'Finished');
    if (holds && !this.reserved.has(uid)) {
      this.reserved.set(uid, { index: this.index, ms: Date.now() });
    }
    if (holds) this.holding.add(uid);
    else this.holding.delete(uid);
    this.mostAtOnce = Math.max(this.mostAtOnce, this.holding.size);
  }
}

describe('Tenant Jobs with the Kueue switch on the local cluster', () => {
  let kueue: KueueForSuite | undefined;
  let env: TenantJobsTestEnv;
  let objects: CustomObjectsApi;
  const recorder = new WorkloadRecorder();

  beforeAll(async () => {
    // A first build of Kueue takes minutes; later runs reuse it.
    kueue = await ensureKueue();
    objects = adminKubeConfig().makeApiClient(CustomObjectsApi);
    env = await startTenantJobsTestBackend({
      databases,
      jobTypes: [testJobType(PROBE, { simulate: 'duration=8s' })],
      plans: {
        basic: {
          maxTier: 'micro',
          allowedJobTypes: undefined,
          // Not Kueue's limit: the ClusterQueue's cpu quota is.
          maxConcurrentJobs: 10,
          quota: {
            cpu: `${QUOTA_CPU_MILLI}m`,
            memory: '8Gi',
            pods: 10,
            jobs: 50,
          },
        },
      },
      config: {
        queue: { mode: 'kueue' },
        tracking: { reconcileIntervalSeconds: 2 },
      },
    });
    await recorder.start(namespaceOf(env.org.tenants.b));
  }, 30 * 60_000);

  afterAll(async () => {
    recorder.stop();
    const tenant = env?.org.tenants.b;
    await env?.stop();
    if (tenant) {
      // Kueue releases its finalizers on the Workloads and the
      // ClusterQueue: wait for both to go before Kueue may stop.
      await objects
        .deleteClusterCustomObject({
          ...KUEUE,
          plural: 'clusterqueues',
          name: kueueClusterQueueName(tenant),
        })
        .catch(() => undefined);
      await waitFor(
        "the tenant's namespace and ClusterQueue to be gone",
        async () => {
          const left = await Promise.all([
            env.admin.core
              .readNamespace({ name: namespaceOf(tenant) })
              .then(() => true)
              .catch(() => false),
            objects
              .getClusterCustomObject({
                ...KUEUE,
                plural: 'clusterqueues',
                name: kueueClusterQueueName(tenant),
              })
              .then(() => true)
              .catch(() => false),
          ]);
          return left.every(found => !found);
        },
        90_000,
      ).catch(error => process.stderr.write(`${(error as Error).message}\n`));
    }
    await kueue?.stop();
  }, 180_000);

  const submit = async (priority: string): Promise<TenantJobRun> => {
    const res = await request(env.url)
      .post('/api/tenant-jobs/runs')
      .set('Authorization', env.as('bob'))
      .send({ tenantId: env.org.tenants.b, jobType: PROBE, priority });
    expect({ status: res.status, error: res.body.error }).toEqual({
      status: 201,
      error: undefined,
    });
    return res.body;
  };

  const read = async (id: string): Promise<TenantJobRun> =>
    (
      await request(env.url)
        .get(`/api/tenant-jobs/runs/${id}`)
        .set('Authorization', env.as('bob'))
    ).body;

  it('hands every run to Kueue, which admits them within the quota and in priority order; a waiting run says why in Kueue’s words', async () => {
    const priorities: PriorityId[] = [
      'normal',
      'low',
      'batch',
      'high',
      'normal',
      'low',
      'high',
      'batch',
      'normal',
      'high',
    ];
    const submitted: TenantJobRun[] = [];
    for (const priority of priorities) {
      submitted.push(await submit(priority));
    }
    const tenant = env.org.tenants.b;
    const namespace = namespaceOf(tenant);

    // Provisioned: the tenant's ClusterQueue with the plan's quota, only
    // for its namespace, and the LocalQueue its Jobs name.
    const clusterQueue = (await objects.getClusterCustomObject({
      ...KUEUE,
      plural: 'clusterqueues',
      name: kueueClusterQueueName(tenant),
    })) as {
      spec: {
        namespaceSelector: { matchLabels: Record<string, string> };
        resourceGroups: Array<{
          flavors: Array<{
            name: string;
            resources: Array<{ name: string; nominalQuota: string }>;
          }>;
        }>;
      };
    };
    expect(clusterQueue.spec.namespaceSelector.matchLabels).toMatchObject({
      'kubernetes.io/metadata.name': namespace,
    });
    expect(clusterQueue.spec.resourceGroups[0].flavors[0]).toMatchObject({
      name: KUEUE_RESOURCE_FLAVOR_NAME,
      resources: expect.arrayContaining([
        { name: 'cpu', nominalQuota: `${QUOTA_CPU_MILLI}m` },
      ]),
    });
    const localQueue = (await objects.getNamespacedCustomObject({
      ...KUEUE,
      namespace,
      plural: 'localqueues',
      name: KUEUE_LOCAL_QUEUE_NAME,
    })) as { spec: { clusterQueue: string } };
    expect(localQueue.spec.clusterQueue).toBe(kueueClusterQueueName(tenant));

    // None is held by the built-in queue: every run's Job is created,
    // suspended, in the LocalQueue with its priority's class.
    for (const [i, run] of submitted.entries()) {
      expect(run).toMatchObject({
        status: 'Queued',
        reason: 'WaitingForKueue',
      });
      expect(run.releasedAt).toBeDefined();
      expect(run.queue).toBeUndefined();
      const job = await env.readJob(tenant, run.jobName!);
      expect(job?.metadata?.labels).toMatchObject({
        [KUEUE_LABELS.queueName]: KUEUE_LOCAL_QUEUE_NAME,
        [KUEUE_LABELS.priorityClass]: `tenant-jobs-${priorities[i]}`,
      });
    }

    // A run still waiting tells why in Kueue's words: its reason and
    // message are a QuotaReserved=False condition Kueue set on its
    // Workload. Kueue rewrites that condition as rounds pass (the backend
    // reads Workloads every few seconds), so any waiting run showing any
    // condition its Workload had counts, not only the one it has now.
    const seen = await waitFor(
      "a waiting run's reason from its Workload",
      async () => {
        const res = await request(env.url)
          .get('/api/tenant-jobs/runs')
          .query({ tenantId: tenant, status: 'Queued' })
          .set('Authorization', env.as('bob'));
        const queued: TenantJobRun[] = res.body.items ?? [];
        for (const run of queued) {
          const condition = recorder.waitingConditions
            .get(run.uid!)
            ?.find(
              c =>
                c.reason === 'Pending' &&
                run.reason === c.reason &&
                run.message === `Waiting for Kueue: ${sentence(c.message!)}`,
            );
          if (condition) return { run, condition };
        }
        // Not yet: say what was seen, so a timeout tells which side lags
        // (Kueue, the backend's Workload reads, or its Job watch).
        const health = await request(env.url)
          .get('/api/tenant-jobs/health')
          .set('Authorization', env.as('bob'));
        throw new Error(
          `${queued.length} runs queued: ${queued
            .map(
              run =>
                `${run.reason}: ${run.message} (Workload said ${JSON.stringify(
                  recorder.waitingConditions.get(run.uid!) ?? [],
                )})`,
            )
            .join('; ')}; plugin health ${JSON.stringify(health.body)}`,
        );
      },
      60_000,
    );
    expect(seen.condition.reason).toBe('Pending');
    expect(seen.run.message).toMatch(/^Waiting for Kueue: \S/);
    // And what held them was the quota.
    expect(
      [...recorder.waitingConditions.values()].flat().map(c => c.message),
    ).toContainEqual(
      expect.stringMatching(
        /^couldn't assign flavors .*insufficient unused quota for cpu in flavor tenant-jobs-default/,
      ),
    );
    process.stderr.write(
      `A waiting run: ${seen.run.status} / ${seen.run.reason}: ${seen.run.message}\n`,
    );

    // Everything runs to the end, never more than the quota at once.
    let mostPods = 0;
    const runs = await waitFor(
      'every run to finish',
      async () => {
        mostPods = Math.max(
          mostPods,
          await env.countActivePods(env.org.tenants.b),
        );
        const all = await Promise.all(submitted.map(r => read(r.id)));
        return all.every(r => FINAL.includes(r.status)) ? all : undefined;
      },
      300_000,
    );
    expect(runs.map(r => r.status)).toEqual(priorities.map(() => 'Succeeded'));
    expect(mostPods).toBeGreaterThan(0);
    expect(mostPods).toBeLessThanOrEqual(LIMIT);
    expect(recorder.mostAtOnce).toBeLessThanOrEqual(LIMIT);

    // Admitted in priority order. Kueue admits as quota frees, and the two
    // slots freed by two runs ending together are admitted in one round,
    // whose writes reach the apiserver in an order of Kueue's own. So the
    // order is judged by round: admissions less than ROUND_GAP_MS apart
    // (a run takes 8 s, so rounds are well apart). A Workload that waited
    // when a round began is never left for a later round while one of
    // lower priority, or of the same priority and younger (to Kueue's
    // second), is admitted.
    const byUid = new Map(submitted.map((r, i) => [r.uid!, { ...r, i }]));
    const order = [...recorder.reserved.entries()]
      .sort((a, b) => a[1].index - b[1].index)
      .map(([uid, reserved]) => ({ ...byUid.get(uid)!, ...reserved }));
    expect(order).toHaveLength(priorities.length);
    const rounds: Array<typeof order> = [];
    for (const admitted of order) {
      const round = rounds.at(-1);
      if (round && admitted.ms - round.at(-1)!.ms < ROUND_GAP_MS) {
        round.push(admitted);
      } else {
        rounds.push([admitted]);
      }
    }
    const created = (r: { uid?: string }) =>
      Date.parse(recorder.latest.get(r.uid!)!.metadata.creationTimestamp!);
    const passedOver = rounds.flatMap((round, k) => {
      const waited = rounds
        .slice(k + 1)
        .flat()
        .filter(r => recorder.added.get(r.uid!)! < round[0].index);
      return round.flatMap(admitted =>
        waited
          .filter(
            other =>
              RANK[other.priority] > RANK[admitted.priority] ||
              (other.priority === admitted.priority &&
                created(other) < created(admitted)),
          )
          .map(
            other =>
              `#${other.i + 1} (${other.priority}) waited while #${
                admitted.i + 1
              } (${admitted.priority}) was admitted`,
          ),
      );
    });
    process.stderr.write(
      `Kueue admitted, round by round: ${rounds
        .map(round => round.map(r => `#${r.i + 1} ${r.priority}`).join(' + '))
        .join(' | ')}\n`,
    );
    expect(passedOver).toEqual([]);
    // After the first round the other eight waited together: each later
    // round admitted none more urgent than the round before.
    expect(rounds.length).toBeGreaterThanOrEqual(priorities.length / LIMIT);
    const ranks = rounds
      .slice(1)
      .map(round => round.map(r => RANK[r.priority]));
    for (let k = 1; k < ranks.length; k++) {
      expect(Math.max(...ranks[k])).toBeLessThanOrEqual(
        Math.min(...ranks[k - 1]),
      );
    }
  });
});
