import { mockServices, TestDatabases } from '@backstage/backend-test-utils';
import type { V1Job, V1Pod } from '@kubernetes/client-node';
import { openDatabase } from '../database';
import { testLifecycle } from '../lifecycle/__testUtils__/testLifecycle';
import {
  TenantCluster,
  KueueWorkload,
  ManagedObjectsHandler,
  ManagedObjectsWatch,
} from '../cluster/TenantCluster';
import { ClusterTracker } from './ClusterTracker';

jest.setTimeout(60_000);

const databases = TestDatabases.create({ ids: ['SQLITE_3'] });

const NAMESPACE = 'tenant-acme';
const NO_QUOTA =
  "couldn't assign flavors to pod set main: insufficient unused quota for cpu in flavor tenant-jobs-default, 100m more needed";

/** A run's Job handed to Kueue: suspended, in the tenant's LocalQueue. */
function kueueJob(runId: string, version: number, suspend: boolean): V1Job {
  return {
    apiVersion: 'batch/v1',
    kind: 'Job',
    metadata: {
      name: `probe-${runId}`,
      namespace: NAMESPACE,
      uid: `uid-${runId}`,
      resourceVersion: String(version),
      creationTimestamp: new Date(),
      labels: {
        'app.kubernetes.io/managed-by': 'tenant-jobs',
        'tenant-jobs.io/tenant': 'acme',
        'tenant-jobs.io/run-id': runId,
        'kueue.x-k8s.io/queue-name': 'tenant-jobs',
        'kueue.x-k8s.io/priority-class': 'tenant-jobs-normal',
      },
    },
    spec: { suspend, template: {} },
    status: suspend ? {} : { active: 1, ready: 0 },
  };
}

/** A cluster whose Job watch and Workloads are the test's. */
class FakeCluster {
  readonly name = 'local';
  jobs?: ManagedObjectsHandler<V1Job>;
  workloads: KueueWorkload[] = [];
  readonly listWorkloads = jest.fn(async (_namespace: string) => [
    ...this.workloads,
  ]);
  readonly listRunEvents = jest.fn(async () => []);

  private watch(): ManagedObjectsWatch {
    return {
      stop: async () => undefined,
      getStats: () => ({ synced: true, lists: 1, restarts: 0, lastEventAt: 1 }),
    };
  }

  watchJobs(handler: ManagedObjectsHandler<V1Job>) {
    this.jobs = handler;
    return this.watch();
  }

  watchPods(_handler: ManagedObjectsHandler<V1Pod>) {
    return this.watch();
  }
}

async function eventually<T>(probe: () => Promise<T | undefined>) {
  const deadline = Date.now() + 20_000;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error('timed out');
    await new Promise(resolve => setTimeout(resolve, 100));
  }
}

describe('ClusterTracker with Jobs handed to Kueue', () => {
  let tracker: ClusterTracker | undefined;

  afterEach(async () => {
    await tracker?.stop();
  });

  it("records a waiting run's reason from its Workload, and the Job's own state once Kueue resumed it", async () => {
    const knex = await databases.init('SQLITE_3');
    const { runs, queue } = await openDatabase({
      database: mockServices.database({ knex, migrations: { skip: false } }),
    });
    await runs.create({
      id: 'r1',
      tenantId: 'acme',
      jobType: 'probe',
      tier: 'micro',
      priority: 'normal',
      request: { tenantId: 'acme', jobType: 'probe' },
      submittedBy: 'user:default/alice',
      cluster: 'local',
      namespace: NAMESPACE,
      k8sName: 'probe-r1',
    });
    const cluster = new FakeCluster();
    tracker = new ClusterTracker({
      cluster: cluster as unknown as TenantCluster,
      lifecycle: testLifecycle({ runs, queue }),
      logger: mockServices.logger.mock(),
      flushDelayMs: 0,
    });
    tracker.start();
    await cluster.jobs!.onList([kueueJob('r1', 100, true)]);
    await tracker.flush();
    expect(await runs.get('r1')).toMatchObject({
      status: 'Queued',
      reason: 'WaitingForKueue',
    });

    // Kueue judged it: no quota yet. The Job did not change, its Workload did.
    cluster.workloads = [
      {
        name: 'job-probe-r1-1a2b3',
        jobUid: 'uid-r1',
        conditions: [
          {
            type: 'QuotaReserved',
            status: 'False',
            reason: 'Pending',
            message: NO_QUOTA,
          },
        ],
      },
      // Another Job's Workload changes nothing here.
      { name: 'job-other', jobUid: 'uid-other', conditions: [] },
    ];
    const waiting = await eventually(async () => {
      const run = await runs.get('r1');
      return run.reason === 'Pending' ? run : undefined;
    });
    expect(waiting).toMatchObject({
      status: 'Queued',
      message: `Waiting for Kueue: ${NO_QUOTA}.`,
    });
    expect(cluster.listWorkloads).toHaveBeenCalledWith(NAMESPACE);

    // Admitted and resumed: the Job says what happens now.
    await cluster.jobs!.onEvent('MODIFIED', kueueJob('r1', 101, false));
    await tracker.flush();
    expect(await runs.get('r1')).toMatchObject({ status: 'Pending' });
    const calls = cluster.listWorkloads.mock.calls.length;
    await new Promise(resolve => setTimeout(resolve, 3_500));
    // No Job waits in Kueue any more: no more reads.
    expect(cluster.listWorkloads.mock.calls.length).toBe(calls);
  });
});
