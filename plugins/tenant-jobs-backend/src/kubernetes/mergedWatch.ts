import type { KubernetesObject } from '@kubernetes/client-node';
import {
  ManagedObjectsHandler,
  ManagedObjectsWatch,
  WatchEventType,
} from '../cluster/TenantCluster';

/** One cluster's list+watch, started with a handler. */
export type WatchSource<T> = {
  cluster: string;
  start(handler: ManagedObjectsHandler<T>): ManagedObjectsWatch;
};

/**
 * One list+watch over several clusters' (a MultiKueue manager's pods are
 * on its workers): each cluster's list replaces that cluster's objects and
 * the handler gets the union; events pass through, and `seen` is told
 * which cluster each object came from. Synced once every source is; its
 * staleness is the stalest source's.
 */
export function mergeWatches<T extends KubernetesObject>(
  sources: WatchSource<T>[],
  handler: ManagedObjectsHandler<T>,
  seen?: (cluster: string, type: WatchEventType, object: T) => void,
): ManagedObjectsWatch {
  const listed = new Map<string, Map<string, T>>();
  const keyOf = (object: T) =>
    `${object.metadata?.namespace ?? ''}/${object.metadata?.name ?? ''}`;
  const union = () =>
    [...listed.values()].flatMap(items => [...items.values()]);

  const watches = sources.map(source =>
    source.start({
      onList(items) {
        listed.set(
          source.cluster,
          new Map(items.map(item => [keyOf(item), item])),
        );
        for (const item of items) seen?.(source.cluster, 'ADDED', item);
        return handler.onList(union());
      },
      onEvent(type, object) {
        const items = listed.get(source.cluster) ?? new Map<string, T>();
        listed.set(source.cluster, items);
        if (type === 'DELETED') items.delete(keyOf(object));
        else items.set(keyOf(object), object);
        seen?.(source.cluster, type, object);
        return handler.onEvent(type, object);
      },
    }),
  );

  return {
    async stop() {
      await Promise.all(watches.map(watch => watch.stop()));
    },
    getStats() {
      const stats = watches.map(watch => watch.getStats());
      const failing = stats.findIndex(s => s.lastError);
      return {
        synced: stats.every(s => s.synced),
        lists: stats.reduce((sum, s) => sum + s.lists, 0),
        restarts: stats.reduce((sum, s) => sum + s.restarts, 0),
        lastEventAt: Math.min(...stats.map(s => s.lastEventAt)),
        ...(failing >= 0 && {
          lastError: `${sources[failing].cluster}: ${stats[failing].lastError}`,
        }),
      };
    },
  };
}
