import { mockServices, TestDatabases } from '@backstage/backend-test-utils';
import { InputError } from '@backstage/errors';
import { openDatabase } from '../database';
import { TenantCluster, TenantClusters } from '../cluster/TenantCluster';
import { RunArchiver } from './RunArchiver';

const databases = TestDatabases.create({ ids: ['SQLITE_3'] });

async function setup(options: { maxPending?: number } = {}) {
  const knex = await databases.init('SQLITE_3');
  const { runs, archives } = await openDatabase({
    database: mockServices.database({ knex }),
  });
  const cluster = {
    readPodLog: jest.fn(async (_ns: string, pod: string) => {
      if (pod.endsWith('-never-started')) {
        throw new InputError('container "job" is waiting to start');
      }
      return { log: `log of ${pod}\n`, truncated: false };
    }),
    listRunEvents: jest.fn(async () => [
      {
        type: 'Normal',
        reason: 'Completed',
        message: 'Job completed',
        objectKind: 'Job',
        objectName: 'job-1',
        count: 1,
      },
    ]),
  } as unknown as TenantCluster;
  const clusters: TenantClusters = {
    names: () => ['local'],
    get: () => cluster,
  };
  const logger = mockServices.logger.mock();
  const archiver = new RunArchiver({
    clusters,
    archives,
    logger,
    logTailBytes: 1024,
    delayMs: 10,
    maxPending: options.maxPending,
  });
  async function finishedRun(id: string, pods: string[]) {
    await runs.create({
      id,
      tenantId: 'acme',
      jobType: 'data-etl',
      tier: 'small',
      priority: 'normal',
      request: {},
      submittedBy: 'user:default/alice',
      cluster: 'local',
      namespace: 'tenant-acme',
      k8sName: `job-${id}`,
      k8sUid: `uid-${id}`,
    });
    await runs.observe(id, {
      status: 'Failed',
      reason: 'BackoffLimitExceeded',
      message: 'Failed twice.',
      attempts: pods.length,
      finishedAt: new Date().toISOString(),
      version: 1,
      observed: {
        conditions: [],
        pods: pods.map(name => ({ name, phase: 'Failed', restarts: 0 })),
      },
    });
    return runs.get(id);
  }
  return { archiver, archives, runs, cluster, finishedRun, logger };
}

describe('RunArchiver', () => {
  it('archives each pod log it can read and the events, once per run', async () => {
    const { archiver, archives, runs, cluster, finishedRun } = await setup();
    const run = await finishedRun('r1', ['r1-a', 'r1-never-started']);
    archiver.enqueue(run);
    archiver.enqueue(run);
    expect(archiver.isPending('r1')).toBe(true);
    await archiver.whenIdle();

    expect(await archives.getLogs('r1')).toEqual([
      { podName: 'r1-a', log: 'log of r1-a\n', truncated: false },
    ]);
    expect((await archives.getEvents('r1'))?.[0].reason).toBe('Completed');
    expect((await runs.get('r1')).archivedAt).toBeDefined();
    expect(cluster.listRunEvents).toHaveBeenCalledTimes(1);
    expect(await runs.listUnarchived(new Date(0), 10)).toEqual([]);
  });

  it('queues at most maxPending archives; the rest wait for the reconcile', async () => {
    const { archiver, runs, finishedRun, logger } = await setup({
      maxPending: 2,
    });
    for (const id of ['q1', 'q2', 'q3'])
      archiver.enqueue(await finishedRun(id, [`${id}-a`]));
    expect(['q1', 'q2', 'q3'].map(id => archiver.isPending(id))).toEqual([
      true,
      true,
      false,
    ]);
    expect(logger.warn).toHaveBeenCalledWith(
      expect.stringContaining('the reconcile archives them on a later pass'),
    );
    await archiver.whenIdle();
    expect((await runs.listUnarchived(new Date(0), 10)).map(r => r.id)).toEqual(
      ['q3'],
    );
  });

  it('drops what waits when stopped, for the reconcile to pick up again', async () => {
    const { archiver, runs, cluster, finishedRun } = await setup();
    const run = await finishedRun('r2', ['r2-a']);
    archiver.enqueue(run);
    await archiver.stop();
    expect(archiver.isPending('r2')).toBe(false);
    expect(cluster.readPodLog).not.toHaveBeenCalled();
    expect((await runs.listUnarchived(new Date(0), 10)).map(r => r.id)).toEqual(
      ['r2'],
    );
    archiver.enqueue(run);
    expect(archiver.isPending('r2')).toBe(false);
  });
});
