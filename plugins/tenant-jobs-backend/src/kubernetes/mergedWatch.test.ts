import type { V1Pod } from '@kubernetes/client-node';
import { ManagedObjectsHandler, WatchStats } from '../cluster/TenantCluster';
import { mergeWatches } from './mergedWatch';

const pod = (name: string): V1Pod => ({
  metadata: { name, namespace: 'tenant-a' },
});

/** A source whose handler the test drives, as a cluster's watch would. */
function source(cluster: string, stats: Partial<WatchStats> = {}) {
  let handler: ManagedObjectsHandler<V1Pod> | undefined;
  const stop = jest.fn(async () => {});
  return {
    cluster,
    stop,
    start(h: ManagedObjectsHandler<V1Pod>) {
      handler = h;
      return {
        stop,
        getStats: () => ({
          synced: true,
          lists: 1,
          restarts: 0,
          lastEventAt: 1000,
          ...stats,
        }),
      };
    },
    list: (items: V1Pod[]) => handler!.onList(items),
    event: (type: 'ADDED' | 'MODIFIED' | 'DELETED', item: V1Pod) =>
      handler!.onEvent(type, item),
  };
}

describe('mergeWatches', () => {
  it("hands on the union of every cluster's list, and each cluster's events", async () => {
    const manager = source('manager');
    const worker = source('worker');
    const lists: string[][] = [];
    const events: string[] = [];
    const seen: string[] = [];
    const watch = mergeWatches<V1Pod>(
      [manager, worker],
      {
        onList: items => {
          lists.push(items.map(i => i.metadata!.name!).sort());
        },
        onEvent: (type, item) => {
          events.push(`${type} ${item.metadata!.name}`);
        },
      },
      (cluster, type, item) =>
        seen.push(`${cluster} ${type} ${item.metadata!.name}`),
    );
    await manager.list([]);
    await worker.list([pod('w1'), pod('w2')]);
    await worker.event('DELETED', pod('w1'));
    await worker.event('ADDED', pod('w3'));
    // A relist of one cluster replaces its pods only.
    await manager.list([pod('m1')]);

    expect(lists).toEqual([[], ['w1', 'w2'], ['m1', 'w2', 'w3']]);
    expect(events).toEqual(['DELETED w1', 'ADDED w3']);
    expect(seen).toContain('worker DELETED w1');
    expect(seen).toContain('manager ADDED m1');

    await watch.stop();
    expect(manager.stop).toHaveBeenCalled();
    expect(worker.stop).toHaveBeenCalled();
  });

  it('is synced only when every cluster is, and as stale as the stalest', () => {
    const watch = mergeWatches<V1Pod>(
      [
        source('manager', { lastEventAt: 5000 }),
        source('worker', {
          synced: false,
          lastEventAt: 2000,
          lastError: 'no answer (network)',
        }),
      ],
      { onList: () => {}, onEvent: () => {} },
    );
    expect(watch.getStats()).toEqual({
      synced: false,
      lists: 2,
      restarts: 0,
      lastEventAt: 2000,
      lastError: 'worker: no answer (network)',
    });
  });
});
