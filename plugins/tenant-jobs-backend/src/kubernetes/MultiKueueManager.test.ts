import { mockServices } from '@backstage/backend-test-utils';
import type { V1CronJob, V1Job, V1Pod } from '@kubernetes/client-node';
import { ServiceUnavailableError } from '@backstage/errors';
import { PassThrough } from 'node:stream';
import { ManagedObjectsHandler, TenantCluster } from '../cluster/TenantCluster';
import { workerClusterOf } from '../cluster/workerCluster';
import { MultiKueueManager } from './MultiKueueManager';

/** A cluster whose pod watch the test drives and whose logs it sets. */
function fakeCluster(name: string) {
  const logs = new Map<string, string>();
  let pods: ManagedObjectsHandler<V1Pod> | undefined;
  const calls: string[] = [];
  const cluster = {
    name,
    calls,
    logs,
    failing: undefined as Error | undefined,
    pods: () => pods!,
    ensurePriorityClasses: jest.fn(async () => {}),
    provisionTenant: jest.fn(async (tenantId: string) => {
      calls.push(`provision ${tenantId}`);
      return `tenant-${tenantId}`;
    }),
    namespaceLabels: jest.fn(async () => ({})),
    createJob: jest.fn(async (job: V1Job) => job),
    getJob: jest.fn(async () => undefined),
    deleteJob: jest.fn(async () => {}),
    applyCronJob: jest.fn(async (cronJob: V1CronJob) => cronJob),
    deleteCronJob: jest.fn(async () => {}),
    resumeJob: jest.fn(async () => true),
    getQuota: jest.fn(async () => undefined),
    listManagedJobs: jest.fn(async () => []),
    watchJobs: jest.fn(() => ({
      stop: async () => {},
      getStats: () => ({ synced: true, lists: 1, restarts: 0, lastEventAt: 0 }),
    })),
    watchPods: jest.fn((handler: ManagedObjectsHandler<V1Pod>) => {
      pods = handler;
      return {
        stop: async () => {},
        getStats: () => ({
          synced: true,
          lists: 1,
          restarts: 0,
          lastEventAt: 0,
        }),
      };
    }),
    listRunEvents: jest.fn(async (_ns: string, job: string) => {
      if (cluster.failing) throw cluster.failing;
      return [
        {
          type: 'Normal',
          reason: `${name}-event`,
          message: job,
          objectKind: 'Job',
          objectName: job,
          count: 1,
          lastSeen:
            name === 'hub' ? '2026-12-07T10:00:00Z' : '2026-12-07T10:00:01Z',
        },
      ];
    }),
    readPodLog: jest.fn(async (_ns: string, podName: string) => {
      if (cluster.failing) throw cluster.failing;
      const log = logs.get(podName);
      return log === undefined ? undefined : { log, truncated: false };
    }),
    streamPodLog: jest.fn(
      async (_ns: string, podName: string, out: PassThrough) => {
        const log = logs.get(podName);
        if (log === undefined) return false;
        out.end(log);
        return true;
      },
    ),
  };
  return cluster;
}

const queuedJob: V1Job = {
  metadata: {
    name: 'etl-1',
    namespace: 'tenant-acme',
    labels: { 'kueue.x-k8s.io/queue-name': 'tenant-jobs' },
  },
  spec: { suspend: true, template: { spec: { containers: [] } } },
};

function pod(name: string, phase: string): V1Pod {
  return {
    metadata: {
      name,
      namespace: 'tenant-acme',
      labels: { 'tenant-jobs.io/run-id': 'run-1' },
    },
    status: { phase },
  };
}

const flush = () => new Promise(resolve => setImmediate(resolve));

describe('MultiKueueManager', () => {
  function setup() {
    const hub = fakeCluster('hub');
    const east = fakeCluster('gpu-east');
    const manager = new MultiKueueManager(
      hub as unknown as TenantCluster,
      [east as unknown as TenantCluster],
      { logger: mockServices.logger.mock(), logTailBytes: 1024 },
    );
    return { hub, east, manager };
  }

  it('provisions the workers first, then the manager, whose namespace it returns', async () => {
    const { hub, east, manager } = setup();
    const order: string[] = [];
    east.provisionTenant.mockImplementation(async () => {
      order.push('gpu-east');
      return 'tenant-acme';
    });
    hub.provisionTenant.mockImplementation(async () => {
      order.push('hub');
      return 'tenant-acme';
    });
    await expect(
      manager.provisionTenant('acme', {} as any, 'tenant-{tenant}'),
    ).resolves.toBe('tenant-acme');
    expect(order).toEqual(['gpu-east', 'hub']);
  });

  it("hands Kueue's Jobs and CronJobs to MultiKueue on the manager, and others as they are", async () => {
    const { hub, manager } = setup();
    await manager.createJob(queuedJob, { dryRun: false });
    expect(hub.createJob.mock.calls[0][0].spec?.managedBy).toBe(
      'kueue.x-k8s.io/multikueue',
    );
    const plain = { ...queuedJob, metadata: { name: 'x', namespace: 'y' } };
    await manager.createJob(plain, { dryRun: true });
    expect(hub.createJob.mock.calls[1][0]).toBe(plain);

    await manager.applyCronJob({
      metadata: { name: 'nightly', namespace: 'tenant-acme' },
      spec: {
        schedule: '0 3 * * *',
        jobTemplate: {
          metadata: { labels: queuedJob.metadata!.labels },
          spec: { template: { spec: { containers: [] } } },
        },
      },
    });
    expect(
      hub.applyCronJob.mock.calls[0][0].spec?.jobTemplate.spec?.managedBy,
    ).toBe('kueue.x-k8s.io/multikueue');
  });

  it("follows the workers' pods, marked with their worker, and keeps a finished pod's log after Kueue deletes it", async () => {
    const { hub, east, manager } = setup();
    const seen: V1Pod[][] = [];
    const events: V1Pod[] = [];
    manager.watchPods({
      onList: items => {
        seen.push(items);
      },
      onEvent: (_type, item) => {
        events.push(item);
      },
    });
    hub.pods().onList([]);
    east.pods().onList([pod('etl-1-a', 'Running')]);
    expect(seen.at(-1)!.map(p => workerClusterOf(p))).toEqual(['gpu-east']);

    east.logs.set('etl-1-a', 'starting\ndone\n');
    east.pods().onEvent('MODIFIED', pod('etl-1-a', 'Succeeded'));
    expect(workerClusterOf(events.at(-1)!)).toBe('gpu-east');
    await flush();
    // Kueue deletes the worker's pod as the manager's Job finishes.
    east.logs.delete('etl-1-a');
    east.pods().onEvent('DELETED', pod('etl-1-a', 'Succeeded'));

    await expect(
      manager.readPodLog('tenant-acme', 'etl-1-a', { limitBytes: 1024 }),
    ).resolves.toEqual({ log: 'starting\ndone\n', truncated: false });
    const out = new PassThrough();
    const chunks: string[] = [];
    out.on('data', chunk => chunks.push(String(chunk)));
    await expect(
      manager.streamPodLog('tenant-acme', 'etl-1-a', out, {
        follow: false,
        tailLines: 1,
      }),
    ).resolves.toBe(true);
    await flush();
    expect(chunks.join('')).toBe('done\n');
  });

  it('asks every cluster for a pod it has not seen, and fails with a worker that does not answer', async () => {
    const { east, manager } = setup();
    east.logs.set('etl-2-b', 'hello\n');
    await expect(
      manager.readPodLog('tenant-acme', 'etl-2-b', { limitBytes: 1024 }),
    ).resolves.toEqual({ log: 'hello\n', truncated: false });

    east.failing = new ServiceUnavailableError(
      "Cluster 'gpu-east' could not be reached",
    );
    await expect(
      manager.readPodLog('tenant-acme', 'etl-3-c', { limitBytes: 1024 }),
    ).rejects.toThrow("Cluster 'gpu-east' could not be reached");
    // No archive without the worker's part: the events fail too.
    await expect(
      manager.listRunEvents('tenant-acme', 'etl-3', ['etl-3-c']),
    ).rejects.toThrow("Cluster 'gpu-east' could not be reached");
  });

  it("lists the manager's and the worker's events, oldest first", async () => {
    const { manager } = setup();
    const events = await manager.listRunEvents('tenant-acme', 'etl-1', [
      'etl-1-a',
    ]);
    expect(events.map(e => e.reason)).toEqual(['hub-event', 'gpu-east-event']);
  });
});
