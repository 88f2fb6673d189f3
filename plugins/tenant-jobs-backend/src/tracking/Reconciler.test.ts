import { mockServices, TestDatabases } from '@backstage/backend-test-utils';
import type { V1Job, V1Pod } from '@kubernetes/client-node';
import { runOriginAnnotations } from '@tenant-jobs/plugin-tenant-jobs-common';
import { Knex } from 'knex';
import {
  NewRun,
  openDatabase,
  QueueStore,
  RunRecord,
  RunStore,
} from '../database';
import { testLifecycle } from '../lifecycle/__testUtils__/testLifecycle';
import {
  TenantCluster,
  TenantClusters,
  ManagedObjectsHandler,
  ManagedObjectsWatch,
} from '../cluster/TenantCluster';
import { ClusterTracker } from './ClusterTracker';
import { Reconciler } from './Reconciler';

jest.setTimeout(60_000);

const databases = TestDatabases.create({ ids: ['SQLITE_3'] });

const NAMESPACE = 'tenant-acme-analytics';

function jobName(runId: string) {
  return `data-etl-acme-analytics-${runId}`;
}

function newRun(id: string, overrides: Partial<NewRun> = {}): NewRun {
  return {
    id,
    tenantId: 'acme-analytics',
    jobType: 'data-etl',
    tier: 'small',
    priority: 'normal',
    request: { tenantId: 'acme-analytics', jobType: 'data-etl' },
    submittedBy: 'user:default/alice',
    cluster: 'local',
    namespace: NAMESPACE,
    k8sName: jobName(id),
    ...overrides,
  };
}

/** A managed Job as the apiserver lists it. */
function job(
  runId: string,
  options: {
    status?: V1Job['status'];
    labels?: Record<string, string>;
    annotations?: Record<string, string>;
  } = {},
): V1Job {
  return {
    apiVersion: 'batch/v1',
    kind: 'Job',
    metadata: {
      name: jobName(runId),
      namespace: NAMESPACE,
      uid: `uid-${runId}`,
      resourceVersion: '500',
      creationTimestamp: new Date(Date.now() - 120_000),
      labels: {
        'app.kubernetes.io/managed-by': 'tenant-jobs',
        'tenant-jobs.io/tenant': 'acme-analytics',
        'tenant-jobs.io/type': 'data-etl',
        'tenant-jobs.io/priority': 'normal',
        'tenant-jobs.io/run-id': runId,
        ...options.labels,
      },
      ...(options.annotations ? { annotations: options.annotations } : {}),
    },
    spec: { backoffLimit: 3, template: {} },
    status: options.status ?? { active: 1, ready: 1, startTime: new Date() },
  };
}

const COMPLETE: V1Job['status'] = {
  succeeded: 1,
  completionTime: new Date(),
  conditions: [
    { type: 'SuccessCriteriaMet', status: 'True' },
    { type: 'Complete', status: 'True' },
  ],
};

/** A cluster that lists what the test says it has. */
class FakeCluster implements TenantCluster {
  jobs: V1Job[] = [];
  jobHandler?: ManagedObjectsHandler<V1Job>;

  constructor(readonly name: string) {}

  readonly listManagedJobs = jest.fn(async () => [...this.jobs]);
  readonly getJob = jest.fn(
    async (_namespace: string, _name: string): Promise<V1Job | undefined> =>
      undefined,
  );
  readonly deleteJob = jest.fn(async (_namespace: string, _name: string) => {});
  readonly namespaceLabels = jest.fn(async () => undefined);
  readonly applyCronJob = jest.fn(async (cronJob: never) => cronJob);
  readonly deleteCronJob = jest.fn(async () => {});
  readonly resumeJob = jest.fn(
    async (_namespace: string, _name: string) => true,
  );

  private readonly watch: ManagedObjectsWatch = {
    stop: async () => {},
    getStats: () => ({ synced: true, lists: 1, restarts: 0, lastEventAt: 1 }),
  };

  watchJobs(handler: ManagedObjectsHandler<V1Job>) {
    this.jobHandler = handler;
    return this.watch;
  }

  watchPods(_handler: ManagedObjectsHandler<V1Pod>) {
    return this.watch;
  }

  private unused = (what: string) =>
    jest.fn(() => {
      throw new Error(`the reconciler must not call ${what}`);
    });

  ensurePriorityClasses = this.unused('ensurePriorityClasses');
  provisionTenant = this.unused('provisionTenant');
  createJob = this.unused('createJob');
  getQuota = this.unused('getQuota');
  listRunEvents = this.unused('listRunEvents');
  readPodLog = this.unused('readPodLog');
  streamPodLog = this.unused('streamPodLog');
}

function clustersOf(...clusters: FakeCluster[]): TenantClusters {
  return {
    names: () => clusters.map(c => c.name),
    get: name => {
      const found = clusters.find(c => c.name === name);
      if (!found) throw new Error(`no cluster ${name}`);
      return found;
    },
  };
}

describe('Reconciler', () => {
  let knex: Knex;
  let runs: RunStore;
  let queue: QueueStore;
  let cluster: FakeCluster;
  let sendRecorded: jest.Mock<Promise<unknown>, [RunRecord]>;

  beforeEach(async () => {
    knex = await databases.init('SQLITE_3');
    ({ runs, queue } = await openDatabase({
      database: mockServices.database({ knex, migrations: { skip: false } }),
    }));
    cluster = new FakeCluster('local');
    sendRecorded = jest.fn(async (_run: RunRecord) => undefined);
  });

  function reconciler(
    options: {
      graceMs?: number;
      trackers?: ReadonlyMap<string, ClusterTracker>;
      clusters?: TenantClusters;
      adoptScheduled?: (job: V1Job) => Promise<boolean>;
    } = {},
  ) {
    const logger = mockServices.logger.mock();
    return {
      logger,
      reconciler: new Reconciler({
        clusters: options.clusters ?? clustersOf(cluster),
        runs,
        lifecycle: testLifecycle({ runs, queue }),
        trackers: options.trackers ?? new Map(),
        logger,
        sendRecorded,
        // Ours: the test tenants in their namespace; never 'foreign'.
        isOwnJob: async (tenantId, namespace) =>
          tenantId !== 'foreign' && namespace === NAMESPACE,
        graceMs: options.graceMs,
        adoptScheduled: options.adoptScheduled,
      }),
    };
  }

  /** Creates a run submitted `ageMs` ago, in `status`. */
  async function createRun(
    id: string,
    status: RunRecord['status'],
    ageMs = 120_000,
    overrides: Partial<NewRun> = {},
  ): Promise<RunRecord> {
    await runs.create(newRun(id, { status, ...overrides }));
    await knex('tenant_jobs_runs')
      .where({ id })
      .update({ created_at: new Date(Date.now() - ageMs) });
    return runs.get(id);
  }

  it('sends a Queued run whose Job was never created once it is older than the grace period', async () => {
    const old = await createRun('old', 'Queued', 120_000);
    await createRun('young', 'Queued', 1_000);
    // Another cluster's run is not this cluster's business.
    await createRun('elsewhere', 'Queued', 120_000, { cluster: 'other' });

    const report = await reconciler().reconciler.reconcile('local');

    expect(sendRecorded).toHaveBeenCalledTimes(1);
    expect(sendRecorded).toHaveBeenCalledWith(old);
    expect(report).toEqual({
      cluster: 'local',
      sent: 1,
      adopted: 0,
      lost: 0,
      deleted: 0,
      refreshed: 0,
      failed: 0,
    });
  });

  it('goes on past a run and a Job whose reconcile fails, and logs each failure once', async () => {
    // A run whose Job the cluster keeps refusing, before one to send.
    await createRun('poison', 'Queued', 120_000);
    await createRun('queued', 'Queued', 120_000);
    await createRun('vanished', 'Running');
    await createRun('cancelled', 'Cancelled');
    sendRecorded.mockImplementation(async (run: RunRecord) => {
      if (run.id === 'poison') throw new Error('the apiserver refused it');
      return undefined;
    });
    // A schedule's Job whose tenant left the catalog, before an orphan.
    const scheduled = job('of-a-gone-tenant', {
      labels: { 'tenant-jobs.io/schedule-id': 'sched-1' },
    });
    cluster.jobs = [scheduled, job('cancelled'), job('orphan')];
    const adoptScheduled = jest.fn(async () => {
      throw new Error("No tenant 'gone'");
    });
    const { reconciler: pass, logger } = reconciler({ adoptScheduled });

    const report = await pass.reconcile('local');

    expect(report).toEqual({
      cluster: 'local',
      sent: 1,
      adopted: 1,
      lost: 1,
      deleted: 1,
      refreshed: 0,
      failed: 2,
    });
    expect(sendRecorded.mock.calls.map(([run]) => run.id).sort()).toEqual([
      'poison',
      'queued',
    ]);
    expect((await runs.get('vanished')).reason).toBe('Lost');
    expect(cluster.deleteJob).toHaveBeenCalledWith(
      NAMESPACE,
      jobName('cancelled'),
    );
    const warned = () =>
      logger.warn.mock.calls
        .map(([message]) => String(message))
        .filter(message => message.includes('failed;'));
    expect(warned()).toEqual([
      expect.stringContaining('run poison'),
      expect.stringContaining(
        `Job ${NAMESPACE}/${jobName('of-a-gone-tenant')}`,
      ),
    ]);
    expect(warned()[0]).toContain('the apiserver refused it');

    // The next pass tries them again, without logging them again.
    const again = await pass.reconcile('local');
    expect(again.failed).toBe(2);
    expect(warned()).toHaveLength(2);
  });

  it('sends even a fresh Queued run with graceMs 0, but not one whose Job exists', async () => {
    await runs.create(newRun('fresh'));
    await runs.create(newRun('created'));
    cluster.jobs = [job('created')];

    const report = await reconciler({ graceMs: 0 }).reconciler.reconcile(
      'local',
    );

    expect(sendRecorded.mock.calls.map(([run]) => run.id)).toEqual(['fresh']);
    expect(report.sent).toBe(1);
    expect((await runs.get('created')).status).toBe('Queued');
  });

  it('records a Pending or Running run whose Job vanished as Failed / Lost', async () => {
    await createRun('pending', 'Pending');
    await createRun('running', 'Running');
    const before = Date.now();

    const report = await reconciler().reconciler.reconcile('local');

    for (const id of ['pending', 'running']) {
      const run = await runs.get(id);
      expect(run).toEqual(
        expect.objectContaining({
          status: 'Failed',
          reason: 'Lost',
          message: expect.stringContaining(jobName(id)),
        }),
      );
      expect(Date.parse(run.finishedAt!)).toBeGreaterThanOrEqual(before - 1000);
      expect(cluster.getJob).toHaveBeenCalledWith(NAMESPACE, jobName(id));
    }
    expect(report.lost).toBe(2);
    expect(sendRecorded).not.toHaveBeenCalled();
  });

  it('leaves a run whose Job is missing from the list but found by name', async () => {
    const running = await createRun('running', 'Running');
    cluster.getJob.mockResolvedValue(job('running'));

    const report = await reconciler().reconciler.reconcile('local');

    expect(cluster.getJob).toHaveBeenCalledWith(NAMESPACE, jobName('running'));
    expect(await runs.get('running')).toEqual(running);
    expect(report.lost).toBe(0);
  });

  it('leaves a young Pending run whose Job is not listed yet', async () => {
    const pending = await createRun('pending', 'Pending', 1_000);

    const report = await reconciler().reconciler.reconcile('local');

    expect(cluster.getJob).not.toHaveBeenCalled();
    expect(await runs.get('pending')).toEqual(pending);
    expect(report.lost).toBe(0);
  });

  it('adopts a Job whose run-id label has no run, from its labels', async () => {
    await createRun('known', 'Running');
    cluster.jobs = [
      job('known'),
      job('orphan', {
        labels: {
          'tenant-jobs.io/tenant': 'globex-retail',
          'tenant-jobs.io/type': 'report-render',
          'tenant-jobs.io/priority': 'high',
        },
        annotations: {
          'tenant-jobs.io/entity-ref': 'component:default/globex-reports',
        },
      }),
      // Not a priority this product knows: not adopted.
      job('strange', { labels: { 'tenant-jobs.io/priority': 'urgent' } }),
    ];

    const report = await reconciler().reconciler.reconcile('local');

    expect(await runs.get('orphan')).toEqual(
      expect.objectContaining({
        id: 'orphan',
        tenantId: 'globex-retail',
        jobType: 'report-render',
        priority: 'high',
        tier: 'unknown',
        status: 'Pending',
        reason: 'Adopted',
        message: expect.stringContaining(jobName('orphan')),
        entityRef: 'component:default/globex-reports',
        submittedBy: 'unknown',
        cluster: 'local',
        namespace: NAMESPACE,
        k8sName: jobName('orphan'),
        k8sUid: 'uid-orphan',
      }),
    );
    expect(await runs.statusesOf(['strange', 'known'])).toEqual(
      new Map([['known', 'Running']]),
    );
    expect(report.adopted).toBe(1);
  });

  it('adopts a Job as the run it was, from the origin its annotations record', async () => {
    const submittedAt = '2026-12-01T08:30:00.000Z';
    cluster.jobs = [
      job('restored', {
        annotations: runOriginAnnotations({
          submittedBy: 'user:default/alice',
          submittedAt,
          tier: 'medium',
          parameters: { source: 'events-db', full: true },
          entityRef: 'component:default/acme-warehouse-etl',
          idempotencyKey: 'nightly-2026-12-01',
          triggerId: 'rule-1',
        }),
      }),
    ];

    const report = await reconciler().reconciler.reconcile('local');

    expect(report.adopted).toBe(1);
    const run = await runs.get('restored');
    expect(run).toEqual(
      expect.objectContaining({
        submittedBy: 'user:default/alice',
        tier: 'medium',
        entityRef: 'component:default/acme-warehouse-etl',
        idempotencyKey: 'nightly-2026-12-01',
        reason: 'Adopted',
      }),
    );
    expect(Date.parse(run.createdAt)).toBe(Date.parse(submittedAt));
    expect(run.request).toEqual({
      tenantId: 'acme-analytics',
      jobType: 'data-etl',
      priority: 'normal',
      tier: 'medium',
      parameters: { source: 'events-db', full: true },
      entityRef: 'component:default/acme-warehouse-etl',
      idempotencyKey: 'nightly-2026-12-01',
    });
  });

  it("adopts a running Job of a schedule the database lost, but leaves its CronJob's waiting ones", async () => {
    const scheduled = (name: string, suspend: boolean) => {
      const made = job(name, {
        labels: { 'tenant-jobs.io/schedule-id': 'lost-schedule' },
        annotations: runOriginAnnotations({
          submittedBy: 'user:default/carol',
          tier: 'small',
          parameters: {},
        }),
      });
      delete made.metadata!.labels!['tenant-jobs.io/run-id'];
      made.metadata!.uid = name;
      made.spec = { ...made.spec!, suspend };
      return made;
    };
    cluster.jobs = [scheduled('ran', false), scheduled('waits', true)];
    const adoptScheduled = jest.fn(async () => false);

    const report = await reconciler({ adoptScheduled }).reconciler.reconcile(
      'local',
    );

    expect(adoptScheduled).toHaveBeenCalledTimes(2);
    expect(report.adopted).toBe(1);
    expect(await runs.get('ran')).toEqual(
      expect.objectContaining({
        submittedBy: 'user:default/carol',
        scheduleId: 'lost-schedule',
      }),
    );
    expect(await runs.statusesOf(['waits'])).toEqual(new Map());
  });

  it('holds a slot for an adopted Job that runs, and queues one that waits', async () => {
    const waiting = job('waits');
    waiting.spec = { ...waiting.spec!, suspend: true };
    cluster.jobs = [job('runs'), waiting];

    await reconciler().reconciler.reconcile('local');

    expect(await runs.get('runs')).toMatchObject({
      status: 'Pending',
      releasedAt: expect.any(String),
    });
    const queued = await runs.get('waits');
    expect(queued.status).toBe('Queued');
    expect(queued.releasedAt).toBeUndefined();
  });

  it("leaves alone a Job of another installation's tenant", async () => {
    cluster.jobs = [
      job('theirs', { labels: { 'tenant-jobs.io/tenant': 'foreign' } }),
    ];
    const report = await reconciler().reconciler.reconcile('local');
    expect(report.adopted).toBe(0);
    expect(await runs.statusesOf(['theirs'])).toEqual(new Map());
  });

  it('deletes the Job of a cancelled run that is still there and not finished', async () => {
    await createRun('cancelled-active', 'Cancelled');
    await createRun('cancelled-done', 'Cancelled');
    await createRun('cancelled-gone', 'Cancelled');
    cluster.jobs = [
      job('cancelled-active'),
      job('cancelled-done', { status: COMPLETE }),
    ];

    const report = await reconciler().reconciler.reconcile('local');

    expect(cluster.deleteJob).toHaveBeenCalledTimes(1);
    expect(cluster.deleteJob).toHaveBeenCalledWith(
      NAMESPACE,
      jobName('cancelled-active'),
    );
    expect(report.deleted).toBe(1);
    // A cancelled run stays cancelled and is never adopted again.
    expect((await runs.get('cancelled-active')).status).toBe('Cancelled');
    expect(report.adopted).toBe(0);
  });

  it('deletes the Job of a recently cancelled run among many old ones', async () => {
    for (let i = 0; i < 1001; i++) {
      await createRun(`old-${i}`, 'Cancelled', 5 * 86_400_000);
    }
    await createRun('recent', 'Cancelled', 60_000);
    cluster.jobs = [job('recent')];
    const report = await reconciler().reconciler.reconcile('local');
    expect(report.deleted).toBe(1);
    expect(cluster.deleteJob).toHaveBeenCalledWith(
      NAMESPACE,
      jobName('recent'),
    );
  });

  it('reports every kind of repair of one pass', async () => {
    await createRun('queued', 'Queued');
    await createRun('lost', 'Running');
    await createRun('present', 'Running');
    await createRun('cancelled', 'Cancelled');
    await createRun('finished', 'Succeeded');
    cluster.jobs = [job('present'), job('cancelled'), job('orphan')];

    const report = await reconciler().reconciler.reconcile('local');

    expect(report).toEqual({
      cluster: 'local',
      sent: 1,
      adopted: 1,
      lost: 1,
      deleted: 1,
      // No tracker for the cluster: nothing is refreshed.
      refreshed: 0,
      failed: 0,
    });
    expect((await runs.get('present')).status).toBe('Running');
    expect((await runs.get('finished')).status).toBe('Succeeded');
  });

  it("refreshes runs whose Job is listed through the cluster's tracker", async () => {
    await createRun('queued-created', 'Queued');
    cluster.jobs = [job('queued-created'), job('orphan')];
    const tracker = new ClusterTracker({
      cluster,
      lifecycle: testLifecycle({ runs, queue }),
      logger: mockServices.logger.mock(),
      flushDelayMs: 60_000,
    });
    tracker.start();
    try {
      // The tracker knows the Jobs, but has not written anything yet.
      await cluster.jobHandler!.onList(cluster.jobs);

      const report = await reconciler({
        trackers: new Map([['local', tracker]]),
      }).reconciler.reconcile('local');

      expect(report).toEqual(
        expect.objectContaining({ refreshed: 1, adopted: 1, sent: 0 }),
      );
      expect((await runs.get('queued-created')).status).toBe('Running');
      // Adopted, then brought up to date from its Job right away.
      expect(await runs.get('orphan')).toEqual(
        expect.objectContaining({ status: 'Running', reason: 'Running' }),
      );
    } finally {
      await tracker.stop();
    }
  });

  it('reconciles every cluster and skips one that fails', async () => {
    const broken = new FakeCluster('broken');
    broken.listManagedJobs.mockRejectedValue(new Error('connection refused'));
    await createRun('queued', 'Queued');
    const { reconciler: r, logger } = reconciler({
      clusters: clustersOf(broken, cluster),
    });

    const reports = await r.reconcileAll();

    expect(reports).toEqual([
      expect.objectContaining({ cluster: 'local', sent: 1 }),
    ]);
    expect(logger.warn).toHaveBeenCalledWith(
      expect.stringContaining("Reconciling cluster 'broken' failed"),
    );
  });
});
