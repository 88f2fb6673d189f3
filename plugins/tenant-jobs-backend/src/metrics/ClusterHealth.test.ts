import { WatchStats } from '../cluster/TenantCluster';
import { ClusterHealth, tenantClusterState } from './ClusterHealth';

function fakeWatch(stats: WatchStats) {
  return {
    stats,
    getStats: () => ({ ...stats }),
    stop: jest.fn(async () => {}),
  };
}

describe('ClusterHealth', () => {
  let now = 1_000_000;
  const health = () =>
    new ClusterHealth({ clusters: ['east', 'west'], now: () => now });

  it('is ready while every cluster answers and every watch keeps up', () => {
    const h = health();
    const watch = fakeWatch({
      synced: true,
      lists: 1,
      restarts: 0,
      lastEventAt: now,
    });
    h.addWatch('east', 'jobs', watch);
    h.onRequest({
      cluster: 'east',
      verb: 'list',
      resource: 'jobs',
      durationSeconds: 0.01,
      status: 200,
    });
    // A refusal is an answer.
    h.onRequest({
      cluster: 'west',
      verb: 'get',
      resource: 'jobs',
      durationSeconds: 0.01,
      status: 404,
      errorType: '404',
    });
    const { status, body } = h.readiness();
    expect(status).toBe(200);
    expect(body.status).toBe('ok');
    expect(body.clusters.map(c => c.reachable)).toEqual([true, true]);
  });

  it('names a cluster that does not answer until it answers again', () => {
    const h = health();
    h.onRequest({
      cluster: 'west',
      verb: 'list',
      resource: 'jobs',
      durationSeconds: 30,
      errorType: 'timeout',
    });
    let readiness = h.readiness();
    expect(readiness.status).toBe(503);
    expect(readiness.body.unreachableClusters).toEqual(['west']);
    expect(readiness.body.message).toBe(
      "cluster 'west' is unreachable (list jobs: no answer (timeout))",
    );
    now += 1000;
    h.onRequest({
      cluster: 'west',
      verb: 'list',
      resource: 'jobs',
      durationSeconds: 0.01,
      status: 200,
    });
    readiness = h.readiness();
    expect(readiness.status).toBe(200);
    expect(readiness.body.unreachableClusters).toEqual([]);
  });

  it("tells a tenant's members whether their cluster answers, without its error", () => {
    const h = health();
    h.onRequest({
      cluster: 'west',
      verb: 'list',
      resource: 'jobs',
      durationSeconds: 0.01,
      status: 200,
    });
    const answeredAt = new Date(now).toISOString();
    now += 5000;
    h.onRequest({
      cluster: 'west',
      verb: 'watch',
      resource: 'pods',
      durationSeconds: 1,
      errorType: 'network',
    });
    expect(h.stateOf('west')).toEqual({
      reachable: false,
      lastAnsweredAt: answeredAt,
    });
    // Nothing asked of it yet: not known to be down.
    expect(h.stateOf('east')).toEqual({ reachable: true });
    // A MultiKueue manager is down for its tenants when its worker is.
    const clusters = [{ name: 'east', multiKueue: { workers: ['west'] } }];
    expect(tenantClusterState('east', clusters, h)).toEqual({
      reachable: false,
      lastAnsweredAt: answeredAt,
      cluster: 'west',
    });
    expect(tenantClusterState('east', [{ name: 'east' }], h)).toEqual({
      reachable: true,
    });
  });

  it('names a watch that has heard nothing for too long, or cannot sync', () => {
    const h = new ClusterHealth({
      clusters: ['east'],
      watchStallSeconds: 600,
      unsyncedStallSeconds: 120,
      now: () => now,
    });
    const jobs = fakeWatch({
      synced: true,
      lists: 1,
      restarts: 3,
      lastEventAt: now,
    });
    const pods = fakeWatch({
      synced: true,
      lists: 1,
      restarts: 0,
      lastEventAt: now,
    });
    h.addWatch('east', 'jobs', jobs);
    const podWatch = h.addWatch('east', 'pods', pods);
    now += 599_000;
    expect(h.readiness().status).toBe(200);
    now += 2_000;
    let readiness = h.readiness();
    expect(readiness.status).toBe(503);
    expect(readiness.body.stalledWatches).toEqual([
      "jobs in cluster 'east'",
      "pods in cluster 'east'",
    ]);
    jobs.stats.lastEventAt = now;
    pods.stats.lastEventAt = now;
    pods.stats.synced = false;
    pods.stats.lastError = 'connect ECONNREFUSED';
    expect(h.readiness().status).toBe(200); // just lost its sync
    now += 121_000;
    jobs.stats.lastEventAt = now;
    readiness = h.readiness();
    expect(readiness.body.stalledWatches).toEqual(["pods in cluster 'east'"]);
    expect(readiness.body.clusters[0].watches[1]).toMatchObject({
      synced: false,
      lastError: 'connect ECONNREFUSED',
      stalled: true,
    });
    return podWatch.stop().then(() => {
      expect(pods.stop).toHaveBeenCalled();
      expect(h.watchHealth().map(w => w.resource)).toEqual(['jobs']);
    });
  });
});
