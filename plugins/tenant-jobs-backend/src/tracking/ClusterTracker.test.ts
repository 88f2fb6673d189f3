import { mockServices, TestDatabases } from '@backstage/backend-test-utils';
import type { V1Job, V1Pod } from '@kubernetes/client-node';
import type { TenantJobEvent } from '@tenant-jobs/plugin-tenant-jobs-common';
import { NewRun, openDatabase } from '../database';
import {
  TenantCluster,
  ManagedObjectsHandler,
  ManagedObjectsWatch,
  NamespaceNotReadableError,
} from '../cluster/TenantCluster';
import { RunUpdateChange as RunChange } from '../lifecycle';
import { testLifecycle } from '../lifecycle/__testUtils__/testLifecycle';
import { ClusterTracker } from './ClusterTracker';

jest.setTimeout(60_000);

const databases = TestDatabases.create({ ids: ['SQLITE_3'] });

const NAMESPACE = 'tenant-acme-analytics';
/** Whole seconds, so that times survive the round trip through the store. */
const NOW = Math.floor(Date.now() / 1000) * 1000;

/** NOW plus `seconds`, as the typed client gives timestamps. */
function at(seconds: number): Date {
  return new Date(NOW + seconds * 1000);
}

function jobName(runId: string) {
  return `data-etl-acme-analytics-${runId}`;
}

function labels(runId: string): Record<string, string> {
  return {
    'app.kubernetes.io/managed-by': 'tenant-jobs',
    'tenant-jobs.io/tenant': 'acme-analytics',
    'tenant-jobs.io/type': 'data-etl',
    'tenant-jobs.io/priority': 'normal',
    'tenant-jobs.io/run-id': runId,
  };
}

function newRun(id: string): NewRun {
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
  };
}

/** A run's Job as the apiserver returns it. */
function job(
  runId: string,
  resourceVersion: number,
  status: V1Job['status'],
  options: { createdAt?: Date } = {},
): V1Job {
  return {
    apiVersion: 'batch/v1',
    kind: 'Job',
    metadata: {
      name: jobName(runId),
      namespace: NAMESPACE,
      uid: `uid-${runId}`,
      resourceVersion: String(resourceVersion),
      creationTimestamp: options.createdAt ?? new Date(),
      labels: labels(runId),
    },
    spec: { backoffLimit: 3, template: {} },
    status,
  };
}

/** Status of a Job whose pod was created (not ready yet). */
const ACTIVE: V1Job['status'] = {
  active: 1,
  ready: 0,
  terminating: 0,
  startTime: at(0),
  uncountedTerminatedPods: {},
};

/** Status of a Job whose pod is running and ready. */
const READY: V1Job['status'] = { ...ACTIVE, ready: 1 };

/** Status of a Job the controller declared complete. */
const COMPLETE: V1Job['status'] = {
  succeeded: 1,
  ready: 0,
  terminating: 0,
  startTime: at(0),
  completionTime: at(30),
  uncountedTerminatedPods: {},
  conditions: [
    {
      type: 'SuccessCriteriaMet',
      status: 'True',
      reason: 'CompletionsReached',
      message: 'Reached expected number of succeeded pods',
      lastProbeTime: at(30),
      lastTransitionTime: at(30),
    },
    {
      type: 'Complete',
      status: 'True',
      reason: 'CompletionsReached',
      message: 'Reached expected number of succeeded pods',
      lastProbeTime: at(30),
      lastTransitionTime: at(30),
    },
  ],
};

/** Status of a Job that used up its retries. */
const FAILED: V1Job['status'] = {
  failed: 4,
  ready: 0,
  terminating: 0,
  startTime: at(0),
  uncountedTerminatedPods: {},
  conditions: [
    {
      type: 'Failed',
      status: 'True',
      reason: 'BackoffLimitExceeded',
      message: 'Job has reached the specified backoff limit',
      lastProbeTime: at(40),
      lastTransitionTime: at(40),
    },
  ],
};

function pod(
  runId: string,
  resourceVersion: number,
  status: V1Pod['status'],
): V1Pod {
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: {
      name: `${jobName(runId)}-x7k2p`,
      namespace: NAMESPACE,
      resourceVersion: String(resourceVersion),
      creationTimestamp: at(0),
      labels: labels(runId),
    },
    spec: { containers: [{ name: 'job' }], nodeName: 'worker-1' },
    status,
  };
}

const RUNNING_POD: V1Pod['status'] = {
  phase: 'Running',
  startTime: at(1),
  conditions: [{ type: 'Ready', status: 'True' }],
  containerStatuses: [
    {
      name: 'job',
      image: 'registry.example/etl:1',
      imageID: 'registry.example/etl@sha256:1',
      ready: true,
      restartCount: 0,
      state: { running: { startedAt: at(2) } },
    },
  ],
};

const SUCCEEDED_POD: V1Pod['status'] = {
  phase: 'Succeeded',
  startTime: at(1),
  containerStatuses: [
    {
      name: 'job',
      image: 'registry.example/etl:1',
      imageID: 'registry.example/etl@sha256:1',
      ready: false,
      restartCount: 0,
      state: {
        terminated: {
          exitCode: 0,
          reason: 'Completed',
          startedAt: at(2),
          finishedAt: at(29),
        },
      },
    },
  ],
};

/** A cluster whose watches are driven by the test. */
class FakeCluster implements TenantCluster {
  readonly name = 'local';
  jobs?: ManagedObjectsHandler<V1Job>;
  pods?: ManagedObjectsHandler<V1Pod>;
  readonly events: TenantJobEvent[] = [];
  readonly watchStops = [jest.fn(async () => {}), jest.fn(async () => {})];

  async applyCronJob(cronJob: never) {
    return cronJob;
  }

  async deleteCronJob() {}

  async resumeJob() {
    return true;
  }

  async namespaceLabels() {
    return undefined;
  }

  readonly listRunEvents = jest.fn(
    async (
      _namespace: string,
      _jobName: string,
      _podNames: readonly string[],
    ): Promise<TenantJobEvent[]> => [...this.events],
  );

  private fakeWatch(index: number): ManagedObjectsWatch {
    return {
      stop: this.watchStops[index],
      getStats: () => ({ synced: true, lists: 1, restarts: 0, lastEventAt: 1 }),
    };
  }

  watchJobs(handler: ManagedObjectsHandler<V1Job>): ManagedObjectsWatch {
    this.jobs = handler;
    return this.fakeWatch(0);
  }

  watchPods(handler: ManagedObjectsHandler<V1Pod>): ManagedObjectsWatch {
    this.pods = handler;
    return this.fakeWatch(1);
  }

  private unused = (what: string) =>
    jest.fn(() => {
      throw new Error(`the tracker must not call ${what}`);
    });

  ensurePriorityClasses = this.unused('ensurePriorityClasses');
  provisionTenant = this.unused('provisionTenant');
  createJob = this.unused('createJob');
  getJob = this.unused('getJob');
  deleteJob = this.unused('deleteJob');
  getQuota = this.unused('getQuota');
  listManagedJobs = this.unused('listManagedJobs');
  readPodLog = this.unused('readPodLog');
  streamPodLog = this.unused('streamPodLog');

  jobEvent(type: 'ADDED' | 'MODIFIED' | 'DELETED', object: V1Job) {
    return this.jobs!.onEvent(type, object);
  }

  podEvent(type: 'ADDED' | 'MODIFIED' | 'DELETED', object: V1Pod) {
    return this.pods!.onEvent(type, object);
  }
}

describe('ClusterTracker', () => {
  let tracker: ClusterTracker | undefined;

  afterEach(async () => {
    await tracker?.stop();
    tracker = undefined;
  });

  async function setup() {
    const knex = await databases.init('SQLITE_3');
    const { runs, queue } = await openDatabase({
      database: mockServices.database({ knex, migrations: { skip: false } }),
    });
    const cluster = new FakeCluster();
    const changes: RunChange[] = [];
    const onChange = jest.fn((change: RunChange) => {
      changes.push(change);
    });
    const logger = mockServices.logger.mock();
    tracker = new ClusterTracker({
      cluster,
      lifecycle: testLifecycle({ runs, queue }, { onChange }),
      logger,
      flushDelayMs: 0,
    });
    tracker.start();
    await cluster.jobs!.onList([]);
    await cluster.pods!.onList([]);

    // Writes that are not part of flush() (deletions) are awaited through
    // the store's observe calls.
    const observe = jest.spyOn(runs, 'observe');
    const observed = async (count: number) => {
      const deadline = Date.now() + 5_000;
      while (observe.mock.results.length < count) {
        if (Date.now() > deadline) {
          throw new Error(`expected ${count} observations`);
        }
        await new Promise(resolve => setTimeout(resolve, 2));
      }
      await Promise.all(observe.mock.results.map(r => r.value));
    };
    return {
      runs,
      cluster,
      changes,
      onChange,
      observe,
      observed,
      tracker,
      logger,
    };
  }

  /** Records r's Job as running with a running pod; version 102. */
  async function recordRunning(
    cluster: FakeCluster,
    t: ClusterTracker,
    runId: string,
  ) {
    await cluster.podEvent('ADDED', pod(runId, 101, RUNNING_POD));
    await cluster.jobEvent('MODIFIED', job(runId, 102, READY));
    await t.flush();
  }

  it('records a Job going from active to running to complete, once per change', async () => {
    const { runs, cluster, changes, tracker: t } = await setup();
    await runs.create(newRun('r1'));

    await cluster.jobEvent('ADDED', job('r1', 100, ACTIVE));
    await t.flush();
    const pending = await runs.get('r1');
    expect(pending).toEqual(
      expect.objectContaining({
        status: 'Pending',
        attempts: 1,
        observedVersion: 100,
      }),
    );
    expect(pending.startedAt).toBeUndefined();

    // A burst about one run is one write.
    await cluster.podEvent('ADDED', pod('r1', 101, RUNNING_POD));
    await cluster.jobEvent('MODIFIED', job('r1', 102, READY));
    await t.flush();
    const running = await runs.get('r1');
    expect(running).toEqual(
      expect.objectContaining({
        status: 'Running',
        reason: 'Running',
        attempts: 1,
        startedAt: at(1).toISOString(),
        observedVersion: 102,
      }),
    );
    expect(running.finishedAt).toBeUndefined();
    expect(running.observed?.pods).toEqual([
      expect.objectContaining({
        name: `${jobName('r1')}-x7k2p`,
        phase: 'Running',
        nodeName: 'worker-1',
      }),
    ]);

    await cluster.podEvent('MODIFIED', pod('r1', 110, SUCCEEDED_POD));
    await cluster.jobEvent('MODIFIED', job('r1', 111, COMPLETE));
    await t.flush();
    const succeeded = await runs.get('r1');
    expect(succeeded).toEqual(
      expect.objectContaining({
        status: 'Succeeded',
        reason: 'Completed',
        attempts: 1,
        startedAt: at(1).toISOString(),
        finishedAt: at(30).toISOString(),
        observedVersion: 111,
      }),
    );
    expect(succeeded.observed?.pods).toEqual([
      expect.objectContaining({ phase: 'Succeeded', exitCode: 0 }),
    ]);
    expect(succeeded.observed?.conditions).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ type: 'Complete', status: 'True' }),
      ]),
    );

    const transitions = changes.map(
      c => `${c.before.status}->${c.after.status}`,
    );
    expect(transitions).toEqual([
      'Queued->Pending',
      'Pending->Running',
      'Running->Succeeded',
    ]);
    expect(changes[2].after).toEqual(succeeded);
    // The Job had just been created: nothing to explain from events.
    expect(cluster.listRunEvents).not.toHaveBeenCalled();

    // Nothing new: flushing again records nothing.
    await t.refresh('r1');
    expect(changes).toHaveLength(3);
  });

  it('changes nothing for an event older than what is recorded', async () => {
    const { runs, cluster, onChange, tracker: t } = await setup();
    await runs.create(newRun('r1'));
    await cluster.podEvent('ADDED', pod('r1', 101, RUNNING_POD));
    await cluster.jobEvent('MODIFIED', job('r1', 105, READY));
    await t.flush();
    expect(await runs.get('r1')).toEqual(
      expect.objectContaining({ status: 'Running', observedVersion: 105 }),
    );
    expect(onChange).toHaveBeenCalledTimes(1);

    // Older than the recorded 105 (and than no pod version either).
    await cluster.jobEvent('MODIFIED', job('r1', 104, FAILED));
    await t.flush();

    expect(await runs.get('r1')).toEqual(
      expect.objectContaining({ status: 'Running', observedVersion: 105 }),
    );
    expect(onChange).toHaveBeenCalledTimes(1);
  });

  it('keeps Succeeded when a completed Job is deleted', async () => {
    const {
      runs,
      cluster,
      changes,
      observe,
      observed,
      tracker: t,
    } = await setup();
    await runs.create(newRun('r1'));
    await recordRunning(cluster, t, 'r1');
    await cluster.podEvent('MODIFIED', pod('r1', 110, SUCCEEDED_POD));
    await cluster.jobEvent('MODIFIED', job('r1', 111, COMPLETE));
    await t.flush();
    const succeeded = await runs.get('r1');
    expect(succeeded.status).toBe('Succeeded');
    const calls = observe.mock.calls.length;

    // ttlSecondsAfterFinished: the Job controller deletes it later.
    await cluster.jobEvent('DELETED', job('r1', 130, COMPLETE));
    await observed(calls + 1);

    expect(await runs.get('r1')).toEqual(succeeded);
    expect(changes.map(c => c.after.status)).toEqual(['Running', 'Succeeded']);
    expect(t.knownJobs().has('r1')).toBe(false);
    expect(t.knownPods('r1')).toEqual([]);
  });

  it('records Succeeded, not Lost, when the completion is only seen in the DELETED event', async () => {
    const { runs, cluster, changes, observed, tracker: t } = await setup();
    await runs.create(newRun('r1'));
    await recordRunning(cluster, t, 'r1');
    const before = (await runs.get('r1')).observedVersion!;

    await cluster.jobEvent('DELETED', job('r1', 140, COMPLETE));
    await observed(2);

    expect(await runs.get('r1')).toEqual(
      expect.objectContaining({
        status: 'Succeeded',
        reason: 'Completed',
        finishedAt: at(30).toISOString(),
      }),
    );
    expect((await runs.get('r1')).observedVersion).toBeGreaterThan(before);
    expect(changes.map(c => c.after.status)).toEqual(['Running', 'Succeeded']);
  });

  it('records a Job deleted while it still runs as Failed / Lost', async () => {
    const { runs, cluster, changes, observed, tracker: t } = await setup();
    await runs.create(newRun('r1'));
    await recordRunning(cluster, t, 'r1');

    const deletedAt = Date.now();
    await cluster.jobEvent('DELETED', job('r1', 103, READY));
    await observed(2);

    const lost = await runs.get('r1');
    expect(lost).toEqual(
      expect.objectContaining({
        status: 'Failed',
        reason: 'Lost',
        message: expect.stringContaining(jobName('r1')),
        startedAt: at(1).toISOString(),
      }),
    );
    expect(Date.parse(lost.finishedAt!)).toBeGreaterThanOrEqual(
      deletedAt - 1000,
    );
    expect(changes).toHaveLength(2);
    expect(changes[1].before.status).toBe('Running');
    expect(changes[1].after).toEqual(lost);

    // A later event about the deleted run changes nothing.
    await cluster.jobEvent('MODIFIED', job('r1', 200, COMPLETE));
    await t.flush();
    expect((await runs.get('r1')).status).toBe('Failed');
  });

  it('never changes a run that is already Cancelled', async () => {
    const { runs, cluster, onChange, observed, tracker: t } = await setup();
    await runs.create(newRun('r1'));
    const cancelled = await runs.transition('r1', ['Queued'], {
      status: 'Cancelled',
      reason: 'CancelledByUser',
      message: 'Cancelled by user:default/alice',
      finishedAt: new Date().toISOString(),
    });
    expect(cancelled?.status).toBe('Cancelled');

    await recordRunning(cluster, t, 'r1');
    await cluster.jobEvent('MODIFIED', job('r1', 150, COMPLETE));
    await t.flush();
    await cluster.jobEvent('DELETED', job('r1', 151, COMPLETE));
    await observed(3);

    expect(await runs.get('r1')).toEqual(cancelled);
    expect(onChange).not.toHaveBeenCalled();
  });

  it('records a running Job missing from a relist as Lost and keeps the others', async () => {
    const {
      runs,
      cluster,
      changes,
      observe,
      observed,
      tracker: t,
    } = await setup();
    await runs.create(newRun('r1'));
    await runs.create(newRun('r2'));
    await cluster.jobs!.onList([job('r1', 100, READY), job('r2', 101, READY)]);
    await cluster.pods!.onList([
      pod('r1', 102, RUNNING_POD),
      pod('r2', 103, RUNNING_POD),
    ]);
    await t.flush();
    expect((await runs.get('r1')).status).toBe('Running');
    expect((await runs.get('r2')).status).toBe('Running');
    const calls = observe.mock.calls.length;

    // After a 410 Gone: r1's Job went away while nobody watched.
    await cluster.jobs!.onList([job('r2', 160, READY)]);
    await observed(calls + 1);
    await t.flush();

    expect(await runs.get('r1')).toEqual(
      expect.objectContaining({ status: 'Failed', reason: 'Lost' }),
    );
    expect((await runs.get('r2')).status).toBe('Running');
    expect([...t.knownJobs().keys()]).toEqual(['r2']);
    expect(
      changes.filter(c => c.after.status === 'Failed').map(c => c.after.id),
    ).toEqual(['r1']);
  });

  it('explains a Job without a pod for a while from its events (quota)', async () => {
    const { runs, cluster, changes, tracker: t } = await setup();
    await runs.create(newRun('r1'));
    cluster.events.push(
      {
        type: 'Warning',
        reason: 'FailedCreate',
        message:
          'Error creating: pods "x" is forbidden: violates PodSecurity "restricted:latest": runAsNonRoot != true',
        objectKind: 'Job',
        objectName: jobName('r1'),
        count: 1,
      },
      {
        type: 'Normal',
        reason: 'Scheduled',
        message: 'nothing to explain',
        objectKind: 'Job',
        objectName: jobName('r1'),
        count: 1,
      },
      {
        type: 'Warning',
        reason: 'FailedCreate',
        message:
          'Error creating: pods "data-etl-acme-analytics-r1-7hx2k" is forbidden: exceeded quota: tenant-jobs-quota, requested: limits.cpu=2, used: limits.cpu=4, limited: limits.cpu=4',
        objectKind: 'Job',
        objectName: jobName('r1'),
        count: 3,
      },
    );

    // Created 10 s ago; the controller cannot create its pod.
    await cluster.jobEvent(
      'ADDED',
      job(
        'r1',
        100,
        { startTime: at(-10), uncountedTerminatedPods: {} },
        { createdAt: at(-10) },
      ),
    );
    await t.flush();

    expect(cluster.listRunEvents).toHaveBeenCalledTimes(1);
    expect(cluster.listRunEvents).toHaveBeenCalledWith(
      NAMESPACE,
      jobName('r1'),
      [],
    );
    const run = await runs.get('r1');
    expect(run).toEqual(
      expect.objectContaining({ status: 'Pending', reason: 'QuotaExceeded' }),
    );
    expect(run.message).toMatch(
      /^The tenant's quota is used up: .*exceeded quota/,
    );
    expect(changes).toHaveLength(1);

    // Read at most once per 10 s per run.
    await cluster.jobEvent(
      'MODIFIED',
      job(
        'r1',
        101,
        { startTime: at(-10), uncountedTerminatedPods: {} },
        { createdAt: at(-10) },
      ),
    );
    await t.flush();
    expect(cluster.listRunEvents).toHaveBeenCalledTimes(1);
    // The explanation stays between reads: no flip back to NoPod, so no
    // status change to signal.
    expect((await runs.get('r1')).reason).toBe('QuotaExceeded');
    await t.refresh('r1');
    expect((await runs.get('r1')).reason).toBe('QuotaExceeded');
    expect(
      changes.filter(c => c.before.reason !== c.after.reason),
    ).toHaveLength(1);
  });

  it('pauses reading events in a namespace that refuses them, and records the runs anyway', async () => {
    const { runs, cluster, tracker: t, logger } = await setup();
    await runs.create(newRun('r1'));
    await runs.create(newRun('r2'));
    // Not one of this backend's tenant namespaces (or no longer).
    cluster.listRunEvents.mockRejectedValue(
      new NamespaceNotReadableError('may not list events in tenant-acme'),
    );
    const stuck = (runId: string, version: number) =>
      job(
        runId,
        version,
        { startTime: at(-10), uncountedTerminatedPods: {} },
        { createdAt: at(-10) },
      );
    await cluster.jobEvent('ADDED', stuck('r1', 100));
    await cluster.jobEvent('ADDED', stuck('r2', 101));
    await t.flush();

    // One refused read for the namespace, not one per Job, said once.
    expect(cluster.listRunEvents).toHaveBeenCalledTimes(1);
    expect(logger.info).toHaveBeenCalledWith(
      expect.stringMatching(/^Not reading events in tenant-acme-analytics/),
    );
    expect(logger.warn).not.toHaveBeenCalled();
    for (const id of ['r1', 'r2']) {
      expect(await runs.get(id)).toEqual(
        expect.objectContaining({
          status: 'Pending',
          observedVersion: expect.any(Number),
        }),
      );
    }
  });

  it('does not read events of a Job that has a pod or was just created', async () => {
    const { runs, cluster, tracker: t } = await setup();
    await runs.create(newRun('r1'));
    await runs.create(newRun('r2'));

    await cluster.jobEvent('ADDED', job('r1', 100, ACTIVE));
    await cluster.podEvent(
      'ADDED',
      pod('r2', 101, { phase: 'Pending', conditions: [] }),
    );
    await cluster.jobEvent(
      'ADDED',
      job('r2', 102, ACTIVE, { createdAt: at(-10) }),
    );
    await t.flush();

    expect(cluster.listRunEvents).not.toHaveBeenCalled();
    expect(await runs.get('r1')).toEqual(
      expect.objectContaining({ status: 'Pending', reason: 'Pending' }),
    );
    expect(await runs.get('r2')).toEqual(
      expect.objectContaining({
        status: 'Pending',
        reason: 'ContainerCreating',
      }),
    );
  });

  it('ignores objects without a run-id label and stops its watches', async () => {
    const { runs, cluster, onChange, tracker: t } = await setup();
    await runs.create(newRun('r1'));
    const stray = job('r1', 100, READY);
    delete stray.metadata!.labels!['tenant-jobs.io/run-id'];
    await cluster.jobEvent('ADDED', stray);
    await t.flush();

    expect(t.knownJobs().size).toBe(0);
    expect((await runs.get('r1')).status).toBe('Queued');
    expect(onChange).not.toHaveBeenCalled();
    expect(t.isSynced()).toBe(true);

    await t.stop();
    tracker = undefined;
    expect(cluster.watchStops[0]).toHaveBeenCalled();
    expect(cluster.watchStops[1]).toHaveBeenCalled();
    expect(t.isSynced()).toBe(false);
  });
});
